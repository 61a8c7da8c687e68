import pytest

from loops.models import TimelineEvent
from scorecards.models import ScorecardRevision
from tests.conftest import submit_complete


def amend(api, scorecard, **body):
    return api.post(f"/api/v1/scorecards/{scorecard.pk}/amendments/", body, format="json")


def test_an_amendment_keeps_the_original_revision(api, alice, hana, draft_scorecard):
    sealed = submit_complete(draft_scorecard)
    api.force_authenticate(alice)

    response = amend(
        api,
        sealed,
        reason="Misread my notes on curiosity.",
        recommendation="strong_yes",
        value_ratings=[
            {"value": "curiosity", "rating": 4, "evidence": "Asked three follow-ups on sliding windows."},
            {"value": "innovation", "rating": 3, "evidence": "Reused a known pattern well."},
            {"value": "communication", "rating": 3, "evidence": "Explained trade-offs clearly."},
        ],
    )

    assert response.status_code == 201
    assert response.json()["recommendation"] == "strong_yes"
    assert response.json()["revision"] == 2
    original, amended = ScorecardRevision.objects.filter(scorecard=sealed).order_by("number")
    assert original.recommendation == "yes"
    assert original.value_ratings.get(value__slug="curiosity").rating == 3
    assert amended.value_ratings.get(value__slug="curiosity").rating == 4
    assert amended.reason == "Misread my notes on curiosity."
    assert amended.is_after_exposure is False
    assert TimelineEvent.objects.filter(kind="scorecard_amended", loop=sealed.loop).count() == 1

    api.force_authenticate(hana)
    history = api.get(f"/api/v1/scorecards/{sealed.pk}/history/").json()
    assert [(h["number"], h["kind"]) for h in history] == [(1, "original"), (2, "amendment")]
    assert history[0]["recommendation"] == "yes"


def test_an_amendment_needs_a_reason_and_must_leave_the_scorecard_complete(api, alice, draft_scorecard):
    sealed = submit_complete(draft_scorecard)
    api.force_authenticate(alice)

    no_reason = amend(api, sealed, recommendation="no")
    incomplete = amend(api, sealed, reason="Drop evidence", value_ratings=[{"value": "curiosity", "rating": 2}])

    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert incomplete.status_code == 400
    assert {p["code"] for p in incomplete.json()["problems"]} == {"evidence_missing", "value_unrated"}
    assert ScorecardRevision.objects.filter(scorecard=sealed).count() == 1


def test_a_draft_is_not_amended(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    assert amend(api, draft_scorecard, reason="x", summary="y").status_code == 409


@pytest.mark.parametrize(("user", "expected"), [("hana", 403), ("dora", 403), ("ada", 201), ("eve", 404)])
def test_the_author_or_an_admin_amends(api, draft_scorecard, user, expected, request):
    sealed = submit_complete(draft_scorecard)
    api.force_authenticate(request.getfixturevalue(user))

    assert amend(api, sealed, reason="Typo in the summary", summary="Fixed.").status_code == expected


def test_an_amendment_after_reading_a_colleague_is_marked(api, alice, bob, draft_scorecard, bobs_scorecard):
    mine = submit_complete(draft_scorecard)
    submit_complete(bobs_scorecard)
    api.force_authenticate(alice)
    api.get(f"/api/v1/scorecards/{bobs_scorecard.pk}/")

    response = amend(api, mine, reason="Second thoughts", recommendation="no")

    assert response.status_code == 201
    revision = ScorecardRevision.objects.get(scorecard=mine, number=2)
    assert revision.is_after_exposure is True
    event = TimelineEvent.objects.get(kind="scorecard_amended")
    assert "after reading colleagues' scorecards" in event.detail
    history = api.get(f"/api/v1/scorecards/{mine.pk}/history/").json()
    assert history[1]["is_after_exposure"] is True
