"""The loop list and detail cost the same number of queries however much data there is."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from loops.services import assignment_create, loop_open
from tests.conftest import round_of
from tests.factories import CandidateFactory, UserFactory


def add_loops(hana, count: int, interviewers: list) -> list:
    loops = []
    for _ in range(count):
        loop = loop_open(candidate=CandidateFactory(created_by=hana), hiring_manager=hana, by=hana)
        for slug in ("recruiter-screen", "hiring-manager-screen", "coding", "system-design", "behavioral"):
            for person in interviewers:
                assignment_create(round=round_of(loop, slug), interviewer=person, by=hana)
        loops.append(loop)
    return loops


def queries_for(api, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_loop_list_costs_the_same_for_one_loop_or_many(api, hana, rubric, django_assert_max_num_queries):
    api.force_authenticate(hana)
    add_loops(hana, 1, [])
    one = queries_for(api, "/api/v1/loops/")

    add_loops(hana, 6, [])
    many = queries_for(api, "/api/v1/loops/")

    assert one == many
    with django_assert_max_num_queries(8):
        api.get("/api/v1/loops/", {"pace": "on_track"})


def test_the_loop_detail_costs_the_same_for_few_or_many_assignments(api, hana, rubric, django_assert_max_num_queries):
    interviewers = [UserFactory(roles=["interviewer"]) for _ in range(3)]
    api.force_authenticate(hana)
    (small,) = add_loops(hana, 1, interviewers[:1])
    (large,) = add_loops(hana, 1, interviewers)

    few = queries_for(api, f"/api/v1/loops/{small.pk}/")
    many = queries_for(api, f"/api/v1/loops/{large.pk}/")

    assert few == many
    with django_assert_max_num_queries(10):
        api.get(f"/api/v1/loops/{large.pk}/")
