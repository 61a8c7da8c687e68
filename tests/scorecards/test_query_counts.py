from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import assign, submit_complete
from tests.factories import UserFactory

ROUNDS = ("recruiter-screen", "hiring-manager-screen", "coding", "system-design", "behavioral")


def list_queries(api, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/scorecards/", params)
    assert response.status_code == 200
    return len(captured)


def test_the_scorecard_list_costs_the_same_for_few_or_many_cards(api, hana, loop, django_assert_max_num_queries):
    people = [UserFactory(roles=["interviewer"]) for _ in range(4)]
    submit_complete(assign(loop, "coding", people[0]))
    api.force_authenticate(hana)
    few = list_queries(api, loop=loop.pk)

    for person in people[1:]:
        for slug in ROUNDS:
            submit_complete(assign(loop, slug, person))
    many = list_queries(api, loop=loop.pk)

    assert few == many
    with django_assert_max_num_queries(12):
        api.get("/api/v1/scorecards/", {"loop": loop.pk})


def summary_queries(api, loop) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/")
    assert response.status_code == 200
    return len(captured)


def test_the_summary_costs_the_same_for_few_or_many_scorecards(api, hana, loop, django_assert_max_num_queries):
    people = [UserFactory(roles=["interviewer"]) for _ in range(4)]
    api.force_authenticate(hana)
    summary_queries(api, loop)  # the first read stores the summary; later ones update or reuse it
    submit_complete(assign(loop, "coding", people[0]))
    few_computed = summary_queries(api, loop)
    few_stored = summary_queries(api, loop)

    for person in people[1:]:
        for slug in ROUNDS:
            submit_complete(assign(loop, slug, person))
    many_computed = summary_queries(api, loop)
    many_stored = summary_queries(api, loop)

    assert few_computed == many_computed
    assert few_stored == many_stored
    with django_assert_max_num_queries(12):
        api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/")
