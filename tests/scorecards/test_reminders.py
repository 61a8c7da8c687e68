"""Deadlines chased with frozen time (Product §4, §6): every edge, escalation, and no double sends."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from loops.services import loop_open, round_schedule
from mail.services import outbox_deliver
from scorecards.models import DigestSent, Reminder
from scorecards.services import ScorecardContent, ValueRatingIn, scorecard_save_draft
from scorecards.tasks import digests_sweep_task, reminders_sweep_task
from tests.conftest import assign, round_of, submit_complete
from tests.factories import CandidateFactory


def moment(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def screen_card(rubric, hana, alice, settings):
    """Alice's recruiter-screen scorecard: interview 3 March 10:00-10:30, so ratings are due
    at 11:30 the same day and the evidence at 10:30 on 4 March."""
    settings.REMINDER_ESCALATE_AFTER_DAYS = 2
    with time_machine.travel(moment(2, 9), tick=False):
        loop = loop_open(candidate=CandidateFactory(created_by=hana), hiring_manager=hana, by=hana)
        card = assign(loop, "recruiter-screen", alice)
        round_schedule(round=round_of(loop, "recruiter-screen"), start=moment(3, 10), end=None, by=hana)
        outbox_deliver()  # the invitations of the setup, delivered after its commit (issue #14)
    mail.outbox.clear()
    return card


def sweep_at(when: datetime) -> list[tuple[str, str]]:
    """Run the beat's sweep task at ``when``; returns (recipient, subject) of the mail it sent."""
    before = len(mail.outbox)
    with time_machine.travel(when, tick=False):
        reminders_sweep_task.delay()
    return [(m.to[0], m.subject) for m in mail.outbox[before:]]


def rate_everything(card, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        card.refresh_from_db()
        scorecard_save_draft(
            scorecard=card,
            author=card.interviewer,
            version=card.version,
            content=ScorecardContent(
                value_ratings=[ValueRatingIn(v.slug, 3, "") for v in card.assignment.values_in_focus.all()],
                recommendation="yes",
            ),
        )


def test_nothing_is_sent_before_the_ratings_deadline(screen_card):
    assert sweep_at(moment(3, 11, 29)) == []
    assert sweep_at(moment(3, 11, 30)) == [], "due at 11:30 means overdue after it"


def test_the_ratings_reminder_goes_once_a_day(screen_card, alice):
    first = sweep_at(moment(3, 11, 31))
    again = sweep_at(moment(3, 17, 0))

    assert first == [(alice.email, f"Scorecard overdue: {screen_card.loop.candidate.name}, Recruiter screen")]
    assert again == []
    body = mail.outbox[0].body
    assert "ratings and recommendation were due" in body
    assert f"/scorecards/{screen_card.pk}/" in body


def test_rating_in_time_moves_the_chase_to_the_evidence_deadline(screen_card, alice):
    rate_everything(screen_card, moment(3, 11, 0))

    assert sweep_at(moment(3, 12, 0)) == []
    assert sweep_at(moment(4, 10, 29)) == []
    evidence = sweep_at(moment(4, 10, 31))
    assert [to for to, _ in evidence] == [alice.email]
    assert "written evidence was due" in mail.outbox[-1].body


def test_an_evidence_reminder_follows_the_ratings_one_then_one_a_day(screen_card):
    assert len(sweep_at(moment(3, 11, 31))) == 1  # ratings
    assert len(sweep_at(moment(4, 10, 31))) == 1  # evidence, a second stage the next day
    assert sweep_at(moment(4, 23, 59)) == []
    assert len(sweep_at(moment(5, 0, 1))) == 1  # a new day
    stages = list(Reminder.objects.order_by("sent_at").values_list("stage", "sent_on"))
    assert [s for s, _ in stages] == ["ratings", "evidence", "evidence"]


def test_the_hiring_manager_is_told_once_after_the_configured_days(screen_card, hana, alice):
    sweep_at(moment(3, 11, 31))
    sweep_at(moment(4, 11, 0))
    before = sweep_at(moment(5, 11, 29))  # overdue since 3 March 11:30: 1.99 days
    escalated = sweep_at(moment(5, 11, 31))
    later = sweep_at(moment(6, 12, 0))

    assert hana.email not in [to for to, _ in before]
    assert hana.email in [to for to, _ in escalated]
    assert [to for to, _ in later] == [alice.email]
    assert Reminder.objects.filter(stage="escalation").count() == 1
    assert "overdue for 2 days" in next(m.body for m in mail.outbox if m.to == [hana.email])


def test_a_submitted_scorecard_is_not_chased(screen_card):
    with time_machine.travel(moment(3, 11, 0), tick=False):
        submit_complete(screen_card)

    assert sweep_at(moment(5, 9, 0)) == []


def test_running_the_sweep_twice_sends_each_reminder_once(screen_card, alice, bob, hana):
    with time_machine.travel(moment(2, 9), tick=False):
        other = assign(screen_card.loop, "recruiter-screen", bob)
    with time_machine.travel(moment(3, 11, 31), tick=False):
        first, second = StringIO(), StringIO()
        call_command("send_reminders", stdout=first)
        call_command("send_reminders", stdout=second)
        reminders_sweep_task.delay()

    assert first.getvalue().startswith("2 reminder(s)")
    assert second.getvalue().startswith("0 reminder(s)")

    reminded = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Scorecard overdue"))
    assert reminded == sorted([alice.email, bob.email])
    assert Reminder.objects.filter(scorecard__in=[screen_card, other]).count() == 2


def test_the_digest_lists_overdue_work_once_a_day(screen_card, hana):
    with time_machine.travel(moment(3, 12, 0), tick=False):
        digests_sweep_task.delay()
        digests_sweep_task.delay()

    digests = [m for m in mail.outbox if m.to == [hana.email]]
    assert len(digests) == 1
    assert "Overdue scorecards (1):" in digests[0].body
    assert "Recruiter screen" in digests[0].body
    assert DigestSent.objects.get(user=hana).items == 1


def test_no_digest_when_there_is_nothing_to_say(screen_card, hana):
    with time_machine.travel(moment(3, 9, 0), tick=False):
        digests_sweep_task.delay()

    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_the_digest_names_loops_past_the_window(screen_card, hana):
    with time_machine.travel(moment(2, 9).replace(month=4, day=20), tick=False):
        submit_complete(screen_card)
        digests_sweep_task.delay()

    (digest,) = mail.outbox
    assert "Loops against the window (1):" in digest.body
    assert "at risk" in digest.body


def test_the_beat_schedule_runs_the_sweep_and_the_digest():
    from keeper.celery import beat_schedule

    schedule = beat_schedule()

    assert schedule["reminders-sweep"]["task"] == "scorecards.tasks.reminders_sweep_task"
    assert schedule["hiring-manager-digests"]["task"] == "scorecards.tasks.digests_sweep_task"
    assert schedule["hiring-manager-digests"]["schedule"].hour == {8}


def test_a_closed_loop_is_not_chased(screen_card, hana):
    from loops.services import loop_move

    with time_machine.travel(moment(3, 11, 0), tick=False):
        loop_move(loop=screen_card.loop, to="withdrawn", by=hana)

    assert sweep_at(moment(4, 12, 0)) == []
    assert not Reminder.objects.exists()
