"""The reminder before an interview (Product §6, issue #14), with frozen time: each interviewer is
emailed once, INTERVIEW_REMINDER_MINUTES before their interview, in their own time zone; never for
a card that is submitted or void, a closed loop, or a round no longer scheduled; again if it moves."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.services import profile_time_zone_set
from loops.services import loop_move, loop_open, round_place_set, round_schedule, round_set_status
from mail.services import outbox_deliver
from scorecards.models import InterviewReminder, Scorecard
from scorecards.tasks import interview_reminders_sweep_task
from tests.conftest import assign, round_of
from tests.factories import CandidateFactory


def moment(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def screen_card(rubric, hana, alice):
    """Alice's recruiter screen, 3 March 10:00-10:30 UTC, in Room 4 with a video link."""
    with time_machine.travel(moment(2, 9), tick=False):
        loop = loop_open(candidate=CandidateFactory(name="Priya Raman", created_by=hana), hiring_manager=hana, by=hana)
        card = assign(loop, "recruiter-screen", alice)
        screen = round_of(loop, "recruiter-screen")
        round_schedule(round=screen, start=moment(3, 10), end=None, by=hana)
        round_place_set(round=screen, location="Room 4", video_url="https://meet.example.com/priya", by=hana)
        outbox_deliver()  # the invitations, delivered after the setup's commit
    mail.outbox.clear()
    return card


def sweep_at(when: datetime) -> list[tuple[str, str]]:
    """Run the beat's sweep at ``when``; (recipient, subject) of each email it sent."""
    before = len(mail.outbox)
    with time_machine.travel(when, tick=False):
        interview_reminders_sweep_task.delay()
    return [(m.to[0], m.subject) for m in mail.outbox[before:]]


def test_the_interviewer_is_reminded_once_an_hour_before(screen_card):
    too_early = sweep_at(moment(3, 8, 59))
    due = sweep_at(moment(3, 9, 0))
    again = sweep_at(moment(3, 9, 1)) + sweep_at(moment(3, 9, 59))
    under_way = sweep_at(moment(3, 10, 1))

    assert too_early == []
    assert due == [("alice@example.com", "At 10:00 UTC: Recruiter screen with Priya Raman")]
    assert again == under_way == []
    assert InterviewReminder.objects.get().scheduled_start == moment(3, 10)


def test_the_reminder_carries_the_time_in_the_interviewers_zone_the_place_and_the_kit(screen_card, alice, settings):
    settings.SITE_URL = "https://keeper.example.com"
    profile_time_zone_set(user=alice, time_zone="America/Los_Angeles")

    sweep_at(moment(3, 9, 20))

    (email,) = mail.outbox
    assert email.subject == "At 02:00 PST: Recruiter screen with Priya Raman"
    assert "starts in 40 minutes" in email.body
    assert "When: Tue 03 Mar 2026, 02:00 to 02:30 PST (America/Los_Angeles)" in email.body
    assert "Where: Room 4" in email.body
    assert "Video: https://meet.example.com/priya" in email.body
    assert f"https://keeper.example.com/scorecards/{screen_card.pk}/" in email.body


def test_the_lead_time_is_a_setting(screen_card, settings):
    settings.INTERVIEW_REMINDER_MINUTES = 15

    assert sweep_at(moment(3, 9, 44)) == []
    assert len(sweep_at(moment(3, 9, 45))) == 1


def test_a_zero_lead_time_turns_the_reminder_off(screen_card, settings):
    settings.INTERVIEW_REMINDER_MINUTES = 0

    assert sweep_at(moment(3, 9, 30)) == []


def test_a_moved_interview_is_reminded_again_at_its_new_time(screen_card, hana):
    first = sweep_at(moment(3, 9, 0))
    with time_machine.travel(moment(3, 9, 5), tick=False):
        round_schedule(round=round_of(screen_card.loop, "recruiter-screen"), start=moment(3, 15), end=None, by=hana)
        outbox_deliver()
    mail.outbox.clear()

    nothing_yet = sweep_at(moment(3, 13, 59))
    second = sweep_at(moment(3, 14, 0))

    assert len(first) == len(second) == 1
    assert nothing_yet == []
    assert second[0][1] == "At 15:00 UTC: Recruiter screen with Priya Raman"
    assert InterviewReminder.objects.count() == 2


def test_a_card_that_is_no_longer_a_draft_is_not_reminded(screen_card):
    # Only drafts are reminded; a submitted card (and a void one, Product §3) is not. The state is
    # set here directly: how a card is submitted is the business of the submission tests.
    Scorecard.objects.filter(pk=screen_card.pk).update(status="submitted", submitted_at=moment(2, 12))

    assert sweep_at(moment(3, 9, 30)) == []
    assert not InterviewReminder.objects.exists()


def test_a_closed_loop_or_a_round_no_longer_scheduled_is_not_reminded(screen_card, hana, bob):
    with time_machine.travel(moment(2, 10), tick=False):
        other = loop_open(candidate=CandidateFactory(created_by=hana), hiring_manager=hana, by=hana)
        assign(other, "recruiter-screen", bob)
        round_schedule(round=round_of(other, "recruiter-screen"), start=moment(3, 10), end=None, by=hana)
        round_set_status(round=round_of(other, "recruiter-screen"), status="planned", by=hana)
        loop_move(loop=screen_card.loop, to="withdrawn", by=hana)
        outbox_deliver()  # the invitations and cancellations of these changes
    mail.outbox.clear()

    assert sweep_at(moment(3, 9, 30)) == []


def test_the_operators_command_sends_due_reminders_once(screen_card):
    with time_machine.travel(moment(3, 9, 30), tick=False):
        first, second = StringIO(), StringIO()
        call_command("send_reminders", stdout=first)
        call_command("send_reminders", stdout=second)

    assert "1 reminder(s) before interviews" in first.getvalue()
    assert "0 reminder(s) before interviews" in second.getvalue()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_beat_sweeps_for_interviews_about_to_start_every_minute():
    from keeper.celery import beat_schedule

    entry = beat_schedule()["interview-reminders"]

    assert entry["task"] == "scorecards.tasks.interview_reminders_sweep_task"
    assert entry["schedule"].minute == set(range(60))
