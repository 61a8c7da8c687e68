from scorecards.models import Scorecard, ValueRating
from tests.conftest import complete_body


def patch(api, scorecard, body):
    return api.patch(f"/api/v1/scorecards/{scorecard.pk}/", body)


def test_assigning_opens_an_empty_draft_for_the_interviewer(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    response = api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["interviewer"] == alice.pk
    assert body["values_in_focus"] == ["curiosity", "innovation", "communication"]
    assert body["questions"] == [5]
    assert body["value_ratings"] == []
    assert body["recommendation"] is None
    assert body["keeper"] is None
    for key in (
        "id",
        "loop",
        "round",
        "criterion_ratings",
        "red_flags",
        "summary",
        "due_at",
        "submitted_at",
        "ratings_due_at",
        "evidence_due_at",
        "overdue",
    ):
        assert key in body


def test_a_draft_save_writes_the_content_and_bumps_the_version(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    criterion = draft_scorecard.assignment.questions.get().criteria.first()
    failure_mode = draft_scorecard.loop.rubric.failure_modes.get(slug="vague-ownership")

    response = patch(
        api,
        draft_scorecard,
        {
            "version": 1,
            "value_ratings": [
                {"value": "curiosity", "rating": 3, "evidence": "Asked about burst behaviour."},
                {"value": "communication", "rating": None},
            ],
            "criterion_ratings": [{"criterion": criterion.pk, "rating": 4, "notes": "Token bucket, clean."}],
            "red_flags": [{"failure_mode": failure_mode.pk, "note": "Unclear who built the limiter."}],
            "recommendation": "yes",
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert body["value_ratings"] == [
        {"value": "curiosity", "rating": 3, "evidence": "Asked about burst behaviour.", "pending": False},
        {"value": "communication", "rating": None, "evidence": "", "pending": False},
    ]
    assert body["criterion_ratings"][0]["rating"] == 4
    assert body["red_flags"] == [
        {"failure_mode": failure_mode.pk, "severity": "blocking", "note": "Unclear who built the limiter."}
    ]
    assert body["recommendation"] == "yes"


def test_a_stale_save_is_refused_with_the_current_version_and_nothing_is_lost(api, alice, draft_scorecard):
    api.force_authenticate(alice)
    first = patch(api, draft_scorecard, {"version": 1, "summary": "Written in tab one."})

    stale = patch(api, draft_scorecard, {"version": 1, "summary": "Written in tab two."})

    assert first.status_code == 200
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert "detail" in stale.json()
    assert api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/").json()["summary"] == "Written in tab one."


def test_invalid_entries_are_all_named_and_nothing_is_written(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    response = patch(
        api,
        draft_scorecard,
        {
            "version": 1,
            "value_ratings": [
                {"value": "bravery", "rating": 3},
                {"value": "integrity", "rating": 3},
                {"value": "curiosity", "rating": 3, "evidence": "ok"},
                {"value": "curiosity", "rating": 2},
            ],
            "criterion_ratings": [{"criterion": 999999, "rating": 2}],
            "red_flags": [{"failure_mode": 999999}],
            "summary": "must not be saved",
        },
    )

    assert response.status_code == 400
    errors = response.json()
    assert errors["value_ratings"] == [
        "'bravery' is not a value of this rubric.",
        "'integrity' is not a value in focus for this interview.",
        "'curiosity' is rated more than once.",
    ]
    assert errors["criterion_ratings"] == ["Criterion 999999 is not a criterion of the questions asked."]
    assert errors["red_flags"] == ["Failure mode 999999 is not in this rubric."]
    draft_scorecard.refresh_from_db()
    assert draft_scorecard.version == 1
    assert draft_scorecard.current_revision.summary == ""


def test_a_rating_off_the_scale_and_bad_types_are_a_400(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    response = patch(
        api,
        draft_scorecard,
        {
            "version": "one",
            "value_ratings": [{"value": "curiosity", "rating": 5}],
            "recommendation": "maybe",
            "keeper": 1,
        },
    )

    assert response.status_code == 400
    assert set(response.json()) == {"version", "value_ratings", "recommendation", "keeper"}
    assert not ValueRating.objects.exists()


def test_a_save_without_a_version_is_a_400(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    response = patch(api, draft_scorecard, {"summary": "no version"})

    assert response.status_code == 400
    assert "version" in response.json()


def test_only_the_author_writes_a_draft_and_others_cannot_see_it(api, hana, bob, eve, dora, draft_scorecard):
    for user in (hana, bob, eve, dora):
        api.force_authenticate(user)
        assert api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/").status_code == 404
        assert patch(api, draft_scorecard, complete_body(draft_scorecard)).status_code == 404
    assert Scorecard.objects.get(pk=draft_scorecard.pk).version == 1


def test_ratings_complete_moves_the_due_date_to_the_evidence_deadline(api, hana, alice, draft_scorecard):
    from tests.conftest import at, round_of, walk_to_onsite

    walk_to_onsite(draft_scorecard.loop, hana)
    from loops.services import round_schedule

    round_schedule(round=round_of(draft_scorecard.loop, "coding"), start=at(3, hour=10), end=None, by=hana)
    api.force_authenticate(alice)
    before = api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/").json()

    body = complete_body(draft_scorecard)
    body["value_ratings"] = [dict(r, evidence="") for r in body["value_ratings"]]
    after = patch(api, draft_scorecard, body).json()

    assert before["due_at"] == before["ratings_due_at"]
    assert before["overdue"] is True
    assert after["due_at"] == after["evidence_due_at"]
    assert after["overdue"] is True


def test_evidence_can_be_saved_before_a_rating_is_chosen(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    saved = patch(
        api,
        draft_scorecard,
        {"version": 1, "value_ratings": [{"value": "curiosity", "evidence": "Asked how bursts are smoothed."}]},
    )
    submitted = api.post(f"/api/v1/scorecards/{draft_scorecard.pk}/submit/")

    assert saved.json()["value_ratings"] == [
        {"value": "curiosity", "rating": None, "evidence": "Asked how bursts are smoothed.", "pending": True}
    ]
    curiosity = next(p for p in submitted.json()["problems"] if p["field"] == "value_ratings.curiosity")
    assert curiosity["code"] == "value_unrated"
