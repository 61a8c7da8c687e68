from datetime import timedelta

import pytest

from loops.models import Loop, Round, TimelineEvent
from loops.services import assignment_create
from tests.conftest import at, round_of, walk_to_onsite


def schedule(api, round_, start, end=None, **extra):
    body = {"scheduled_start": start.isoformat(), **extra}
    if end is not None:
        body["scheduled_end"] = end.isoformat()
    return api.patch(f"/api/v1/rounds/{round_.pk}/", body)


def advance(api, round_):
    return api.post(f"/api/v1/rounds/{round_.pk}/outcome/", {"outcome": "advance"})


def test_scheduling_a_round_defaults_its_end_from_the_rubric_duration(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")

    response = schedule(api, screen, at(20))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "scheduled"
    screen.refresh_from_db()
    assert screen.scheduled_end - screen.scheduled_start == timedelta(minutes=30)
    assert TimelineEvent.objects.filter(loop=loop, kind="round_scheduled", round=screen).count() == 1


def test_the_recruiter_schedules_but_does_not_record_outcomes(api, rick, loop):
    api.force_authenticate(rick)
    screen = round_of(loop, "recruiter-screen")

    assert schedule(api, screen, at(20)).status_code == 200
    assert advance(api, screen).status_code == 403
    assert round_of(loop, "recruiter-screen").outcome == ""


def test_steps_keep_the_rubric_order_when_scheduled(api, hana, loop):
    api.force_authenticate(hana)
    schedule(api, round_of(loop, "hiring-manager-screen"), at(15))

    response = schedule(api, round_of(loop, "recruiter-screen"), at(14))

    assert response.status_code == 400
    assert "comes before Hiring manager screen" in response.json()["scheduled_end"][0]
    assert round_of(loop, "recruiter-screen").status == "planned"


def test_a_round_cannot_come_before_the_loop_started(api, hana, loop):
    api.force_authenticate(hana)

    response = schedule(api, round_of(loop, "recruiter-screen"), at(40))

    assert response.status_code == 400
    assert "scheduled_start" in response.json()


def test_an_end_before_the_start_is_refused(api, hana, loop):
    api.force_authenticate(hana)

    response = schedule(api, round_of(loop, "recruiter-screen"), at(10), at(11))

    assert response.status_code == 400
    assert response.json()["scheduled_end"] == ["The end must come after the start."]


def test_the_onsite_spans_at_most_two_days(api, hana, loop):
    api.force_authenticate(hana)
    onsite = round_of(loop, "onsite")

    refused = schedule(api, onsite, at(5, hour=9), at(3, hour=17))
    accepted = schedule(api, onsite, at(5, hour=9), at(4, hour=17))

    assert refused.status_code == 400
    assert "at most 2 days" in refused.json()["scheduled_end"][0]
    assert accepted.status_code == 200


def test_onsite_interviews_fall_inside_the_block(api, hana, loop):
    api.force_authenticate(hana)
    coding = round_of(loop, "coding")

    before_block = schedule(api, coding, at(5, hour=10))
    schedule(api, round_of(loop, "onsite"), at(5, hour=9), at(4, hour=17))
    outside = schedule(api, coding, at(3, hour=10))
    inside = schedule(api, coding, at(4, hour=10))

    assert before_block.status_code == 400
    assert "Schedule the Onsite block first" in before_block.json()["scheduled_start"][0]
    assert outside.status_code == 400
    assert "must fall within the Onsite" in outside.json()["scheduled_start"][0]
    assert inside.status_code == 200
    assert round_of(loop, "onsite").status == "scheduled"


def test_advance_moves_the_loop_to_the_next_step(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")
    schedule(api, screen, at(20))

    response = advance(api, screen)

    assert response.status_code == 200
    assert response.json()["outcome"] == "advance"
    assert response.json()["status"] == "done"
    loop.refresh_from_db()
    assert loop.current_round == round_of(loop, "hiring-manager-screen")


def test_outcomes_follow_the_steps_in_order(api, hana, loop):
    api.force_authenticate(hana)
    schedule(api, round_of(loop, "recruiter-screen"), at(20))
    later = round_of(loop, "hiring-manager-screen")
    schedule(api, later, at(18))

    response = advance(api, later)

    assert response.status_code == 409
    assert "stands at Recruiter screen" in response.json()["detail"]


def test_an_outcome_waits_until_the_interview_has_happened(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")
    schedule(api, screen, at(-2))

    response = advance(api, screen)

    assert response.status_code == 409
    assert round_of(loop, "recruiter-screen").status == "scheduled"


def test_reject_closes_the_loop_as_rejected(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")
    schedule(api, screen, at(20))

    response = api.post(f"/api/v1/rounds/{screen.pk}/outcome/", {"outcome": "reject"})

    assert response.status_code == 200
    loop.refresh_from_db()
    assert loop.status == Loop.Status.REJECTED
    assert loop.current_round is None
    assert loop.closed_on is not None
    assert list(TimelineEvent.objects.filter(loop=loop).values_list("kind", flat=True))[-2:] == [
        "round_outcome",
        "loop_status",
    ]


def test_an_outcome_is_recorded_once(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")
    schedule(api, screen, at(20))
    advance(api, screen)

    assert advance(api, screen).status_code == 409


def test_an_unknown_outcome_is_a_400(api, hana, loop):
    api.force_authenticate(hana)

    response = api.post(f"/api/v1/rounds/{round_of(loop, 'recruiter-screen').pk}/outcome/", {"outcome": "maybe"})

    assert response.status_code == 400
    assert "outcome" in response.json()


def test_onsite_interviews_run_in_any_order_and_the_block_closes_with_them(api, hana, dora, alice, loop):
    for slug in ("coding", "system-design", "recruiter-screen", "hiring-manager-screen"):
        assignment_create(round=round_of(loop, slug), interviewer=alice, by=hana)
    assignment_create(round=round_of(loop, "behavioral"), interviewer=hana, by=hana)
    walk_to_onsite(loop, hana)
    api.force_authenticate(hana)
    slots = {"behavioral": at(3, hour=10), "coding": at(3, hour=13), "system-design": at(2, hour=10)}
    for slug, start in slots.items():
        schedule(api, round_of(loop, slug), start)
        assert advance(api, round_of(loop, slug)).status_code == 200, slug
    assert round_of(loop, "onsite").status == "scheduled"

    final = round_of(loop, "director-final")
    assignment_create(round=final, interviewer=dora, by=hana)
    response = schedule(api, final, at(2, hour=14), override_reason="Second behavioral read arranged by phone.")
    assert response.status_code == 200
    assert advance(api, final).status_code == 409, "the Keeper decision, not an outcome, ends the final round"
    assert api.patch(f"/api/v1/rounds/{final.pk}/", {"status": "done"}).status_code == 200

    loop.refresh_from_db()
    assert round_of(loop, "onsite").status == "done"
    assert loop.current_round is None
    assert loop.status == Loop.Status.ACTIVE, "the Keeper decision, not an outcome, closes the loop"


def test_the_director_round_waits_for_coverage_unless_overridden(api, hana, loop):
    walk_to_onsite(loop, hana)
    api.force_authenticate(hana)
    final = round_of(loop, "director-final")

    refused = schedule(api, final, at(2, hour=14))
    overridden = schedule(api, final, at(2, hour=14), override_reason="Candidate flies home tomorrow.")

    assert refused.status_code == 409
    assert any("independent reads planned" in gap for gap in refused.json()["gaps"])
    assert any("asked by nobody" in gap for gap in refused.json()["gaps"])
    assert overridden.status_code == 200
    override = TimelineEvent.objects.get(loop=loop, kind="coverage_override")
    assert "Candidate flies home tomorrow." in override.detail


def test_the_director_round_schedules_freely_with_full_coverage(api, hana, alice, bob, dora, loop, rick):
    plan = {
        "recruiter-screen": rick,
        "hiring-manager-screen": hana,
        "coding": alice,
        "system-design": bob,
        "behavioral": alice,
        "director-final": dora,
    }
    for slug, person in plan.items():
        assignment_create(round=round_of(loop, slug), interviewer=person, by=hana)
    assignment_create(round=round_of(loop, "behavioral"), interviewer=bob, by=hana)
    walk_to_onsite(loop, hana)
    api.force_authenticate(hana)

    response = schedule(api, round_of(loop, "director-final"), at(2, hour=14))

    assert response.status_code == 200, response.json()
    assert not TimelineEvent.objects.filter(loop=loop, kind="coverage_override").exists()


def test_rounds_can_be_skipped_and_the_loop_moves_past_them(api, hana, loop):
    api.force_authenticate(hana)

    response = api.patch(f"/api/v1/rounds/{round_of(loop, 'recruiter-screen').pk}/", {"status": "skipped"})

    assert response.status_code == 200
    loop.refresh_from_db()
    assert loop.current_round == round_of(loop, "hiring-manager-screen")


def test_a_done_round_cannot_be_rescheduled(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")
    schedule(api, screen, at(20))
    advance(api, screen)

    response = schedule(api, screen, at(19))

    assert response.status_code == 409
    assert response.json()["status"] == "done"


def test_schedule_and_status_together_is_a_400(api, hana, loop):
    api.force_authenticate(hana)

    response = api.patch(
        f"/api/v1/rounds/{round_of(loop, 'recruiter-screen').pk}/",
        {"scheduled_start": at(20).isoformat(), "status": "done"},
    )

    assert response.status_code == 400


def test_a_round_of_a_loop_on_hold_cannot_be_scheduled(api, hana, loop):
    api.force_authenticate(hana)
    api.post(f"/api/v1/loops/{loop.pk}/hold/")

    response = schedule(api, round_of(loop, "recruiter-screen"), at(20))

    assert response.status_code == 409
    assert response.json()["status"] == "on_hold"


@pytest.mark.parametrize(("user", "expected"), [("eve", 404), ("alice", 403), ("dora", 403)])
def test_round_changes_are_for_the_loop_coordinators(api, hana, alice, loop, user, expected, request):
    assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    screen = round_of(loop, "recruiter-screen")
    api.force_authenticate(request.getfixturevalue(user))

    assert schedule(api, screen, at(20)).status_code == expected
    assert advance(api, screen).status_code == expected
    assert Round.objects.get(pk=screen.pk).status == "planned"


def test_no_outcome_once_every_step_is_finished(api, hana, loop):
    """With no current step left, an earlier step cannot be rejected after the fact."""
    api.force_authenticate(hana)
    for round_ in loop.rounds.select_related("rubric_round").filter(block__isnull=True):
        if not round_.rubric_round.is_block:
            api.patch(f"/api/v1/rounds/{round_.pk}/", {"status": "skipped"})
    schedule(api, round_of(loop, "onsite"), at(3, hour=9), at(2, hour=18))
    for slug in ("coding", "system-design", "behavioral"):
        api.patch(f"/api/v1/rounds/{round_of(loop, slug).pk}/", {"status": "skipped"})
    final = round_of(loop, "director-final")
    schedule(api, final, at(2, hour=14), override_reason="Testing the end of the loop.")
    api.patch(f"/api/v1/rounds/{final.pk}/", {"status": "done"})
    loop.refresh_from_db()
    assert loop.current_round is None

    response = api.post(f"/api/v1/rounds/{round_of(loop, 'coding').pk}/outcome/", {"outcome": "reject"})

    assert response.status_code == 409
    assert Loop.objects.get(pk=loop.pk).status == "active"


def test_a_schedule_centuries_away_is_a_400(api, hana, loop):
    api.force_authenticate(hana)

    response = api.patch(
        f"/api/v1/rounds/{round_of(loop, 'recruiter-screen').pk}/", {"scheduled_start": "9999-12-31T23:30:00Z"}
    )

    assert response.status_code == 400
    assert "scheduled_start" in response.json()
