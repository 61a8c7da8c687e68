"""Calibration is recomputed after submissions, at most once a minute per rubric version, and
nightly; it reads submitted scorecards at their current revision and writes none (Product §8.1)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from calibration.models import Calibration
from calibration.services import calibration_recompute
from calibration.tasks import calibration_nightly_task, calibration_sweep_task
from scorecards.models import Scorecard
from scorecards.services import ScorecardContent, ValueRatingIn, scorecard_amend
from tests.calibration.conftest import held_loop, rate
from tests.conftest import assign

pytestmark = pytest.mark.django_db


def by_name(calibration: Calibration) -> dict:
    return {row["name"]: row for row in calibration.data["interviewers"]}


def test_the_report_reads_submitted_cards_and_ignores_drafts(rated_loops, rubric, dora):
    assign(rated_loops[0], "behavioral", dora)  # an open draft

    calibration = calibration_recompute(rubric_id=rubric.pk)

    people = by_name(calibration)
    assert calibration.computed_at is not None
    assert (calibration.data["loops"], calibration.data["scorecards"]) == (3, 9)
    assert set(people) == {"Alice Ng", "Bob Ruiz", "Hana Sato"}
    # Alice rated innovation and curiosity 4 where bob rated them 2, and communication 4 where hana rated it 3.
    assert people["Alice Ng"]["leniency"]["raw"] > 0 > people["Bob Ruiz"]["leniency"]["raw"]
    assert people["Alice Ng"]["by_value"]["innovation"]["ratings"] == 3
    assert calibration.data["rubric"] == rubric.pk


def test_an_amendment_replaces_what_the_card_said(rated_loops, rubric, alice):
    card = Scorecard.objects.get(loop=rated_loops[0], interviewer=alice)
    before = by_name(calibration_recompute(rubric_id=rubric.pk))["Alice Ng"]["by_value"]["innovation"]["raw"]

    scorecard_amend(
        scorecard=card,
        by=alice,
        reason="Misread my notes.",
        content=ScorecardContent(
            value_ratings=[ValueRatingIn(v.slug, 2, "Corrected.") for v in card.assignment.values_in_focus.all()],
            changed=["value_ratings"],
        ),
    )
    after = by_name(calibration_recompute(rubric_id=rubric.pk))["Alice Ng"]["by_value"]["innovation"]["raw"]

    # Innovation on loop 0: alice 4 against the mean of bob 2 and hana 3 (+1.5), now 2 (-0.5).
    assert after == pytest.approx(before - 2 / 3, abs=1e-4)


def test_calibration_writes_no_scorecard(rated_loops, rubric):
    before = list(Scorecard.objects.order_by("pk").values_list("pk", "version", "updated_at", "current_revision"))

    calibration_recompute(rubric_id=rubric.pk)
    calibration_sweep_task()

    assert (
        list(Scorecard.objects.order_by("pk").values_list("pk", "version", "updated_at", "current_revision")) == before
    )


def test_the_sweep_recomputes_after_a_submission_at_most_once_a_minute(rated_loops, rubric, hana, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert calibration_sweep_task() == [rubric.pk]  # the first sweep finds submissions never calibrated
        first = Calibration.objects.get(rubric=rubric)
        assert first.data["scorecards"] == 9
        assert calibration_sweep_task() == []  # nothing changed since

    loop = held_loop(9, hana)
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        rate(loop, "coding", alice, 3, 9)
        assert calibration_sweep_task() == []  # a change, but the last claim is 20 s old
        assert Calibration.objects.get(rubric=rubric).data["scorecards"] == 9

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert calibration_sweep_task() == [rubric.pk]
        assert Calibration.objects.get(rubric=rubric).data["scorecards"] == 10
        assert calibration_sweep_task() == []


def test_an_amendment_is_a_change_the_sweep_sees(rated_loops, rubric, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        calibration_sweep_task()
    card = Scorecard.objects.get(loop=rated_loops[1], interviewer=alice)
    scorecard_amend(
        scorecard=card, by=alice, reason="Typo.", content=ScorecardContent(summary="Fixed a typo.", changed=["summary"])
    )

    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert calibration_sweep_task() == [rubric.pk]


def test_the_nightly_run_recomputes_every_version_with_submissions(rated_loops, rubric):
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        calibration_recompute(rubric_id=rubric.pk)

    assert calibration_nightly_task() == [rubric.pk]
    assert Calibration.objects.get(rubric=rubric).computed_at > timezone.now() - timedelta(minutes=1)


def test_an_older_computation_never_overwrites_a_newer_one(rated_loops, rubric):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        calibration_recompute(rubric_id=rubric.pk)
    with time_machine.travel(now - timedelta(seconds=30), tick=False):
        stale = calibration_recompute(rubric_id=rubric.pk)

    assert stale.computed_at == now


def test_the_calibrate_command_recomputes_on_demand_and_says_so(rated_loops, rubric, capsys):
    call_command("calibrate")
    first = Calibration.objects.get(rubric=rubric).text
    call_command("calibrate", rubric=rubric.pk)

    out = capsys.readouterr().out
    assert out.count(f"Rubric {rubric.pk}: 9 scorecards, 3 interviewers") == 2
    assert Calibration.objects.get(rubric=rubric).text == first  # the same data gives the same report
    assert Calibration.objects.count() == 1
    with pytest.raises(CommandError, match="No rubric version with id 999999"):
        call_command("calibrate", rubric=999999)


def test_the_beat_schedule_runs_the_sweep_every_minute_and_the_nightly_run(settings):
    from keeper.celery import beat_schedule

    schedule = beat_schedule()

    assert schedule["calibration-sweep"]["task"] == "calibration.tasks.calibration_sweep_task"
    assert schedule["calibration-sweep"]["schedule"].minute == set(range(60))
    assert schedule["calibration-nightly"]["task"] == "calibration.tasks.calibration_nightly_task"
    assert schedule["calibration-nightly"]["schedule"].hour == {settings.CALIBRATION_HOUR}
