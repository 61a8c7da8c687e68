from loops.models import TimelineEvent
from scorecards.models import Scorecard
from tests.conftest import complete_body


def submit(api, scorecard, **body):
    return api.post(f"/api/v1/scorecards/{scorecard.pk}/submit/", body)


def test_submit_lists_every_missing_piece_at_once(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    failure_mode = draft_scorecard.loop.rubric.failure_modes.get(severity="blocking", slug="vague-ownership")
    api.patch(
        f"/api/v1/scorecards/{draft_scorecard.pk}/",
        {
            "version": 1,
            "value_ratings": [
                {"value": "curiosity", "rating": 3, "evidence": ""},
                {"value": "communication", "rating": None},
            ],
            "red_flags": [{"failure_mode": failure_mode.pk, "note": ""}],
        },
    )

    response = submit(api, draft_scorecard)

    assert response.status_code == 400
    problems = response.json()["problems"]
    assert {(p["field"], p["code"]) for p in problems} == {
        ("value_ratings.curiosity.evidence", "evidence_missing"),
        ("value_ratings.innovation", "value_unrated"),
        ("recommendation", "recommendation_missing"),
        ("keeper", "keeper_missing"),
        (f"red_flags.{failure_mode.pk}.note", "red_flag_note_missing"),
    }
    assert all(p["message"] for p in problems)
    draft_scorecard.refresh_from_db()
    assert draft_scorecard.status == Scorecard.Status.DRAFT


def test_a_complete_draft_is_sealed_with_submitted_at_and_a_timeline_event(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    api.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", complete_body(draft_scorecard))

    response = submit(api, draft_scorecard)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["submitted_at"] is not None
    assert body["due_at"] is None
    assert body["overdue"] is False
    event = TimelineEvent.objects.get(loop=draft_scorecard.loop, kind="scorecard_submitted")
    assert event.actor == alice


def test_a_not_assessed_value_needs_no_evidence(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    body = complete_body(draft_scorecard)
    body["value_ratings"][0] = {"value": body["value_ratings"][0]["value"], "rating": None}
    api.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", body)

    assert submit(api, draft_scorecard).status_code == 200


def test_a_sealed_scorecard_refuses_saves_and_a_second_submit(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    api.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", complete_body(draft_scorecard))
    submit(api, draft_scorecard)

    save = api.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", {"version": 3, "summary": "Changed my mind"})
    again = submit(api, draft_scorecard)

    assert save.status_code == 409
    assert save.json()["code"] == "frozen"
    assert again.status_code == 409
    assert Scorecard.objects.get(pk=draft_scorecard.pk).current_revision.summary == "Solid interview."


def test_submit_with_a_stale_version_is_refused(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    api.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", complete_body(draft_scorecard))

    response = submit(api, draft_scorecard, version=1)

    assert response.status_code == 409
    assert response.json()["current_version"] == 2


def test_only_the_author_submits(api, hana, alice, bob, draft_scorecard):
    from tests.conftest import submit_complete

    submit_complete(draft_scorecard)
    other = draft_scorecard.loop.scorecards.exclude(pk=draft_scorecard.pk)
    assert not other.exists()
    api.force_authenticate(hana)

    assert submit(api, draft_scorecard).status_code == 403
    assert api.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", {"version": 3}).status_code == 403
