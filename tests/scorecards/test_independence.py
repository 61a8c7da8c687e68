"""Product §4: an interviewer reads colleagues' scorecards only after submitting their own."""

import pytest

from scorecards.models import Exposure
from tests.conftest import assign, submit_complete


def visible_ids(api, **params) -> set[int]:
    response = api.get("/api/v1/scorecards/", params)
    assert response.status_code == 200
    return {s["id"] for s in response.json()}


def test_before_submitting_an_interviewer_sees_only_their_own(api, alice, loop, draft_scorecard, bobs_scorecard):
    submit_complete(bobs_scorecard)
    api.force_authenticate(alice)

    assert visible_ids(api) == {draft_scorecard.pk}
    assert visible_ids(api, loop=loop.pk) == {draft_scorecard.pk}
    assert visible_ids(api, status="submitted") == set()
    assert visible_ids(api, mine=0) == {draft_scorecard.pk}
    assert api.get(f"/api/v1/scorecards/{bobs_scorecard.pk}/").status_code == 404
    assert api.get(f"/api/v1/scorecards/{bobs_scorecard.pk}/history/").status_code == 404


def test_after_submitting_an_interviewer_sees_colleagues_submitted_cards_only(
    api, alice, dora, loop, draft_scorecard, bobs_scorecard
):
    final = assign(loop, "director-final", dora)
    submit_complete(bobs_scorecard)
    submit_complete(draft_scorecard)
    api.force_authenticate(alice)

    assert visible_ids(api, loop=loop.pk) == {draft_scorecard.pk, bobs_scorecard.pk}
    assert api.get(f"/api/v1/scorecards/{final.pk}/").status_code == 404


def test_an_interviewer_with_two_cards_waits_until_both_are_submitted(
    api, alice, loop, draft_scorecard, bobs_scorecard
):
    second = assign(loop, "behavioral", alice)
    submit_complete(bobs_scorecard)
    submit_complete(draft_scorecard)
    api.force_authenticate(alice)

    assert visible_ids(api, loop=loop.pk) == {draft_scorecard.pk, second.pk}
    submit_complete(second)
    assert bobs_scorecard.pk in visible_ids(api, loop=loop.pk)


@pytest.mark.parametrize("user", ["hana", "rick", "dora", "ada"])
def test_the_hiring_team_reads_every_submitted_card_but_no_draft(
    api, loop, draft_scorecard, bobs_scorecard, user, request
):
    submit_complete(bobs_scorecard)
    api.force_authenticate(request.getfixturevalue(user))

    assert visible_ids(api, loop=loop.pk) == {bobs_scorecard.pk}
    assert api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/").status_code == 404


def test_an_outsider_sees_nothing(api, eve, loop, draft_scorecard, bobs_scorecard):
    submit_complete(bobs_scorecard)
    submit_complete(draft_scorecard)
    api.force_authenticate(eve)

    assert visible_ids(api) == set()
    assert api.get(f"/api/v1/scorecards/{bobs_scorecard.pk}/").status_code == 404
    assert api.post(f"/api/v1/scorecards/{bobs_scorecard.pk}/submit/").status_code == 404


def test_anonymous_callers_get_401(api, draft_scorecard):
    assert api.get("/api/v1/scorecards/").status_code == 401
    assert api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/").status_code == 401


def test_the_first_read_of_a_colleague_is_recorded_once(api, alice, loop, draft_scorecard, bobs_scorecard):
    submit_complete(bobs_scorecard)
    submit_complete(draft_scorecard)
    api.force_authenticate(alice)

    api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/")
    assert not Exposure.objects.filter(user=alice).exists(), "reading your own card is no exposure"
    api.get(f"/api/v1/scorecards/{bobs_scorecard.pk}/")
    first = Exposure.objects.get(user=alice)
    api.get("/api/v1/scorecards/", {"loop": loop.pk})

    assert Exposure.objects.filter(user=alice).count() == 1
    assert Exposure.objects.get(user=alice).at == first.at
    assert first.scorecard == bobs_scorecard


def test_who_said_what_for_the_hiring_team(api, hana, loop, draft_scorecard, bobs_scorecard):
    submit_complete(draft_scorecard, recommendation="strong_yes")
    submit_complete(bobs_scorecard, recommendation="no", keeper="no")
    api.force_authenticate(hana)

    cards = api.get("/api/v1/scorecards/", {"loop": loop.pk}).json()

    said = {(c["interviewer"], c["round"], c["recommendation"], c["keeper"]) for c in cards}
    assert said == {
        (draft_scorecard.interviewer_id, draft_scorecard.round_id, "strong_yes", "yes"),
        (bobs_scorecard.interviewer_id, bobs_scorecard.round_id, "no", "no"),
    }


def test_bad_list_filters_are_a_400(api, hana):
    api.force_authenticate(hana)

    response = api.get("/api/v1/scorecards/", {"loop": "x", "status": "lost"})

    assert response.status_code == 400
    assert set(response.json()) == {"loop", "status"}


def test_a_lead_who_also_interviews_waits_for_their_own_card(api, rick, loop, draft_scorecard, bobs_scorecard):
    """The loop's recruiter reads every submitted card, but not while their own interview card is open."""
    own = assign(loop, "recruiter-screen", rick)
    submit_complete(bobs_scorecard)
    api.force_authenticate(rick)

    assert visible_ids(api, loop=loop.pk) == {own.pk}
    assert api.get(f"/api/v1/scorecards/{bobs_scorecard.pk}/").status_code == 404
    assert api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/").status_code == 404

    submit_complete(own)

    assert visible_ids(api, loop=loop.pk) == {own.pk, bobs_scorecard.pk}
    assert api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/").status_code == 200


def test_a_director_with_an_open_final_round_card_reads_the_summary(api, dora, loop, bobs_scorecard):
    assign(loop, "director-final", dora)
    submit_complete(bobs_scorecard)
    api.force_authenticate(dora)

    assert api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/").status_code == 200
    assert bobs_scorecard.pk in visible_ids(api, loop=loop.pk)


def test_a_huge_id_in_a_list_filter_is_a_400(api, hana):
    api.force_authenticate(hana)

    assert api.get("/api/v1/scorecards/", {"loop": 10**20}).status_code == 400
    assert api.get("/api/v1/loops/", {"hiring_manager": 10**20}).status_code == 400
