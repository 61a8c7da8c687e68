"""Pages show only what Product §4 lets each person see, through the API's querysets."""

import pytest

from loops.models import Loop
from scorecards.models import KeeperDecision, ScorecardRevision
from tests.conftest import assign, round_of, submit_complete


def test_pages_need_a_signed_in_user(client, loop):
    for path in ("/", "/interviews/", "/loops/", f"/loops/{loop.pk}/", "/rubric/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_sign_in_and_out(client, hana, rubric):
    from tests.factories import DEFAULT_PASSWORD

    signed_in = client.post("/accounts/login/", {"username": "hana", "password": DEFAULT_PASSWORD})
    signed_out = client.post("/accounts/logout/")

    assert signed_in.status_code == 302
    assert signed_out.status_code == 302
    assert client.get("/loops/").status_code == 302


@pytest.mark.parametrize(
    ("user", "expected"), [("hana", 200), ("rick", 200), ("dora", 200), ("eve", 404), ("bob", 404)]
)
def test_the_loop_page_is_for_the_hiring_team_and_its_interviewers(client, loop, alice, user, expected, request):
    assign(loop, "coding", alice)
    client.force_login(request.getfixturevalue(user))

    assert client.get(f"/loops/{loop.pk}/").status_code == expected


def test_interviewers_do_not_get_the_loop_board(client, alice, loop):
    client.force_login(alice)

    assert client.get("/loops/").status_code == 403
    assert client.get("/").url == "/interviews/"


def test_the_board_filters_and_counts_overdue_scorecards(client, hana, alice, loop):
    from loops.services import round_schedule
    from tests.conftest import at

    round_schedule(round=round_of(loop, "recruiter-screen"), start=at(10), end=None, by=hana)
    assign(loop, "recruiter-screen", alice)
    client.force_login(hana)

    board = client.get("/loops/", {"status": "active", "sort": "overdue"})
    closed = client.get("/loops/", {"status": "rejected"})
    rows = client.get("/loops/", {"pace": "on_track"}, HTTP_HX_REQUEST="true")

    assert board.context["rows"][0]["loop"].overdue_scorecards == 1
    assert closed.context["rows"] == []
    assert b"<html" not in rows.content
    assert b"Jordan Rivera" in rows.content


def test_a_colleagues_draft_scorecard_page_is_not_found(client, bob, loop, draft_scorecard):
    client.force_login(bob)

    assert client.get(f"/scorecards/{draft_scorecard.pk}/").status_code == 404


def test_the_summary_page_for_the_team_and_not_for_outsiders(client, hana, eve, loop, draft_scorecard):
    client.force_login(hana)
    assert client.get(f"/loops/{loop.pk}/summary/").status_code == 200
    client.force_login(eve)
    assert client.get(f"/loops/{loop.pk}/summary/").status_code == 404


def test_amending_through_the_page_keeps_the_old_revision(client, alice, draft_scorecard):
    sealed = submit_complete(draft_scorecard)
    client.force_login(alice)
    form = {"reason": "Wrong rating on curiosity", "recommendation": "strong_yes", "keeper": "yes", "summary": "Fixed"}
    for value in sealed.assignment.values_in_focus.all():
        form[f"rating-{value.slug}"] = "4"
        form[f"evidence-{value.slug}"] = "Specific evidence."

    response = client.post(f"/scorecards/{sealed.pk}/amend/", form, follow=True)

    assert "Amendment saved" in response.content.decode()
    assert ScorecardRevision.objects.filter(scorecard=sealed).count() == 2


def test_a_refused_amendment_names_the_problem_and_writes_nothing(client, alice, draft_scorecard):
    sealed = submit_complete(draft_scorecard)
    client.force_login(alice)

    response = client.post(f"/scorecards/{sealed.pk}/amend/", {"reason": "", "recommendation": "yes"}, follow=True)

    assert "Not saved" in response.content.decode()
    assert ScorecardRevision.objects.filter(scorecard=sealed).count() == 1


def test_loop_actions_through_the_page(client, hana, loop):
    client.force_login(hana)

    held = client.post(f"/loops/{loop.pk}/hold/", follow=True)
    illegal = client.post(f"/loops/{loop.pk}/hold/", follow=True)

    assert "Loop is now on hold" in held.content.decode()
    assert "cannot become on hold" in illegal.content.decode()
    assert Loop.objects.get(pk=loop.pk).status == "on_hold"


def test_a_hiring_manager_cannot_decide_through_the_page(client, hana, loop):
    client.force_login(hana)

    response = client.post(f"/loops/{loop.pk}/decision/", {"decision": "keep", "rationale": "x"})

    assert response.status_code == 403
    assert not KeeperDecision.objects.exists()


def test_opening_a_loop_with_a_junior_candidate_is_refused_on_the_page(client, hana, rubric):
    client.force_login(hana)

    response = client.post(
        "/loops/new/",
        {"name": "New Grad", "email": "grad@example.com", "level": "junior", "hiring_manager": hana.pk},
        follow=True,
    )

    assert "hireable levels are" in response.content.decode()
    assert not Loop.objects.exists()


def test_the_hiring_manager_changes_an_interviewers_questions_on_the_page(client, hana, alice, loop):
    card = assign(loop, "coding", alice)
    client.force_login(hana)

    response = client.post(
        f"/loops/{loop.pk}/assignments/{card.assignment_id}/questions/", {"questions": ["5", "1"]}, follow=True
    )

    assert "Questions changed." in response.content.decode()
    assert sorted(card.assignment.questions.values_list("number", flat=True)) == [1, 5]


def test_malformed_form_ids_and_fields_are_named_not_a_crash(client, hana, loop):
    client.force_login(hana)
    coding = round_of(loop, "coding")

    assign_page = client.post(f"/loops/{loop.pk}/rounds/{coding.pk}/assign/", {"interviewer": "abc"}, follow=True)
    new_loop = client.post(
        "/loops/new/",
        {"name": "x" * 500, "email": "not-an-email", "level": "senior", "hiring_manager": "abc"},
        follow=True,
    )

    assert assign_page.status_code == 200
    assert "Choose an interviewer" in assign_page.content.decode()
    assert new_loop.status_code == 200
    assert "Not saved" in new_loop.content.decode()
    assert Loop.objects.count() == 1


def test_the_loop_page_costs_the_same_for_one_or_many_assignments(client, hana, loop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    assign(loop, "coding", UserFactory(roles=["interviewer"]))
    client.force_login(hana)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/loops/{loop.pk}/")
    for slug in ("system-design", "behavioral", "recruiter-screen"):
        assign(loop, slug, UserFactory(roles=["interviewer"]))

    with CaptureQueriesContext(connection) as four:
        response = client.get(f"/loops/{loop.pk}/")

    assert response.status_code == 200
    assert len(four) == len(one)
    curiosity = next(row for row in response.context["matrix"] if row["value"].slug == "curiosity")
    assert curiosity["cells"] == [1, 0, 1, 1, 1, 0]
    assert (curiosity["reads"], curiosity["target"]) == (4, 2)


def test_the_loop_page_loads_who_said_what_from_the_scorecards_app(
    client, alice, loop, draft_scorecard, bobs_scorecard
):
    from scorecards.models import Exposure

    submit_complete(bobs_scorecard)
    client.force_login(alice)
    waiting = client.get(f"/loops/{loop.pk}/scorecards/", HTTP_HX_REQUEST="true")
    submit_complete(draft_scorecard)

    page = client.get(f"/loops/{loop.pk}/")
    exposed_by_the_page = Exposure.objects.filter(user=alice).exists()
    fragment = client.get(f"/loops/{loop.pk}/scorecards/", HTTP_HX_REQUEST="true")
    whole = client.get(f"/loops/{loop.pk}/scorecards/")

    assert (waiting.context["cards"], waiting.context["summary_visible"]) == ([], False)
    assert f'hx-get="/loops/{loop.pk}/scorecards/"'.encode() in page.content
    assert not exposed_by_the_page
    assert {card.pk for card in fragment.context["cards"]} == {draft_scorecard.pk, bobs_scorecard.pk}
    assert b'<div id="summary-link" hx-swap-oob="true">' in fragment.content
    assert b"<html" not in fragment.content
    assert b"<html" in whole.content
    assert Exposure.objects.get(user=alice).scorecard == bobs_scorecard
