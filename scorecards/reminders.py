"""Reminding interviewers before their interviews, chasing overdue scorecards, and the hiring
managers' daily digest (Product §6).

Each send claims a unique row and writes its email to the outbox (``mail.services``) in one
transaction, so a sweep run twice, by beat and by an operator at once, or redelivered after
a worker was killed mid-task, sends nothing twice and loses nothing."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import user_time_zone
from loops.invitations import interview_when
from loops.models import Loop, Round
from mail.services import email_enqueue
from scorecards.models import DigestSent, InterviewReminder, Reminder, Scorecard

User = get_user_model()


def overdue_scorecards(now: datetime) -> QuerySet[Scorecard]:
    """Drafts of open loops with a passed deadline that is not met: one indexed query (Product §4).
    A closed loop, or a skipped round, needs no more evidence."""
    return (
        Scorecard.objects.drafts()
        .filter(loop__status__in=Loop.OPEN_STATUSES)
        .exclude(round__status=Round.Status.SKIPPED)
        .filter(Q(ratings_completed_at__isnull=True, round__ratings_due_at__lt=now) | Q(round__evidence_due_at__lt=now))
    )


def reminders_due(now: datetime) -> list[int]:
    """The scorecards the sweep hands to ``scorecard_remind``, one task each."""
    return list(overdue_scorecards(now).order_by("pk").values_list("pk", flat=True))


def _stage(scorecard: Scorecard, now: datetime) -> str | None:
    round_ = scorecard.round
    if round_.evidence_due_at and now > round_.evidence_due_at:
        return Reminder.Stage.EVIDENCE
    if scorecard.ratings_completed_at is None and round_.ratings_due_at and now > round_.ratings_due_at:
        return Reminder.Stage.RATINGS
    return None


def _overdue_since(scorecard: Scorecard) -> datetime:
    round_ = scorecard.round
    if scorecard.ratings_completed_at is None and round_.ratings_due_at:
        return round_.ratings_due_at
    return round_.evidence_due_at


def scorecard_link(scorecard_id: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("scorecard-page", args=[scorecard_id])


def _claim(scorecard: Scorecard, stage: str, on: date, recipient: str) -> Reminder | None:
    """The reminder's idempotency row, or None when it was claimed before (its unique constraint)."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(scorecard=scorecard, stage=stage, sent_on=on, recipient=recipient)
    except IntegrityError:
        return None


@transaction.atomic
def scorecard_remind(*, scorecard_id: int, now: datetime) -> list[str]:
    """Email the interviewer once per stage and day while their scorecard is overdue, and tell
    the hiring manager once it has been overdue for ``REMINDER_ESCALATE_AFTER_DAYS``.
    Returns the stages sent (empty when nothing was due or it was sent already)."""
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("round__rubric_round", "interviewer", "loop__candidate", "loop__hiring_manager")
        .filter(pk=scorecard_id)
        .first()
    )
    if (
        scorecard is None
        or scorecard.is_submitted
        or not scorecard.loop.is_open
        or scorecard.round.status == Round.Status.SKIPPED
    ):
        return []
    stage = _stage(scorecard, now)
    if stage is None:
        return []
    on = timezone.localdate(now)
    sent = []
    interviewer = scorecard.interviewer
    if claimed := _claim(scorecard, stage, on, interviewer.email):
        _send_interviewer_reminder(claimed, scorecard, stage)
        sent.append(stage)
    days_overdue = (now - _overdue_since(scorecard)) / timedelta(days=1)
    if days_overdue >= settings.REMINDER_ESCALATE_AFTER_DAYS:
        manager = scorecard.loop.hiring_manager
        if claimed := _claim(scorecard, Reminder.Stage.ESCALATION, on, manager.email):
            _send_escalation(claimed, scorecard, int(days_overdue))
            sent.append(Reminder.Stage.ESCALATION)
    return sent


def _send_interviewer_reminder(reminder: Reminder, scorecard: Scorecard, stage: str) -> None:
    round_name = scorecard.round.rubric_round.name
    candidate = scorecard.loop.candidate.name
    if stage == Reminder.Stage.RATINGS:
        what = "your ratings and recommendation were due"
        due = scorecard.round.ratings_due_at
    else:
        what = "your written evidence was due"
        due = scorecard.round.evidence_due_at
    body = (
        f"Hello {scorecard.interviewer.get_full_name() or scorecard.interviewer.username},\n\n"
        f"Your {round_name} scorecard for {candidate} is not submitted: {what} "
        f"{timezone.localtime(due, user_time_zone(scorecard.interviewer)):%a %d %b, %H:%M %Z}.\n\n"
        "Ratings are most accurate while the interview is fresh. Open the scorecard here:\n"
        f"{scorecard_link(scorecard.pk)}\n\n— Keeper\n"
    )
    email_enqueue(
        key=f"reminder:{reminder.pk}",
        subject=f"Scorecard overdue: {candidate}, {round_name}",
        body=body,
        to=[scorecard.interviewer.email],
    )


def _send_escalation(reminder: Reminder, scorecard: Scorecard, days: int) -> None:
    manager = scorecard.loop.hiring_manager
    interviewer = scorecard.interviewer.get_full_name() or scorecard.interviewer.username
    round_name = scorecard.round.rubric_round.name
    body = (
        f"Hello {manager.get_full_name() or manager.username},\n\n"
        f"{interviewer}'s {round_name} scorecard for {scorecard.loop.candidate.name} has been overdue for "
        f"{days} day{'s' if days != 1 else ''}. They have been reminded daily.\n\n"
        f"Scorecard: {scorecard_link(scorecard.pk)}\n\n— Keeper\n"
    )
    email_enqueue(
        key=f"reminder:{reminder.pk}",
        subject=f"Overdue scorecard on your loop: {scorecard.loop.candidate.name}",
        body=body,
        to=[manager.email],
    )


# Before the interview ----------------------------------------------------------------------


def interviews_starting(now: datetime) -> QuerySet[Scorecard]:
    """Open drafts whose interview starts within INTERVIEW_REMINDER_MINUTES of ``now``, in an open
    loop, not yet reminded for that start: one indexed query. A submitted or void card, a closed
    loop or a round no longer scheduled needs no reminder; neither does an interview under way."""
    minutes = settings.INTERVIEW_REMINDER_MINUTES
    if minutes <= 0:
        return Scorecard.objects.none()
    reminded = InterviewReminder.objects.filter(
        scorecard=OuterRef("pk"), scheduled_start=OuterRef("round__scheduled_start")
    )
    return (
        Scorecard.objects.drafts()
        .filter(
            loop__status__in=Loop.OPEN_STATUSES,
            round__status=Round.Status.SCHEDULED,
            round__scheduled_start__gt=now,
            round__scheduled_start__lte=now + timedelta(minutes=minutes),
        )
        .exclude(Exists(reminded))
    )


def interview_reminders_due(now: datetime) -> list[int]:
    """The scorecards the sweep hands to ``interview_remind``, one task each."""
    return list(interviews_starting(now).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def interview_remind(*, scorecard_id: int, now: datetime) -> bool:
    """Email the interviewer once before their interview starts, with its time in their own zone,
    its place and the kit. True if sent; False when not due (any more) or sent already."""
    scorecard = (
        interviews_starting(now)
        .select_for_update(of=("self",))
        .select_related("round__rubric_round", "interviewer", "loop__candidate")
        .filter(pk=scorecard_id)
        .first()
    )
    if scorecard is None:
        return False
    interviewer, round_ = scorecard.interviewer, scorecard.round
    try:
        with transaction.atomic():
            claimed = InterviewReminder.objects.create(
                scorecard=scorecard, scheduled_start=round_.scheduled_start, recipient=interviewer.email
            )
    except IntegrityError:
        return False
    if not interviewer.email:
        return True  # claimed all the same: there is no one to write to, now or on the next sweep
    zone = user_time_zone(interviewer)
    minutes = max(1, round((round_.scheduled_start - now).total_seconds() / 60))
    candidate, round_name = scorecard.loop.candidate.name, round_.rubric_round.name
    lines = [
        f"Hello {interviewer.get_full_name() or interviewer.username},",
        "",
        f"Your {round_name} with {candidate} starts in {minutes} minute{'s' if minutes != 1 else ''}.",
        "",
        f"When: {interview_when(round_, zone)}",
    ]
    if round_.location:
        lines.append(f"Where: {round_.location}")
    if round_.video_url:
        lines.append(f"Video: {round_.video_url}")
    lines += [
        "",
        "The interview kit, with your questions and what a strong answer covers, and your scorecard:",
        scorecard_link(scorecard.pk),
        "",
        "— Keeper",
        "",
    ]
    start = timezone.localtime(round_.scheduled_start, zone)
    email_enqueue(
        key=f"interview-reminder:{claimed.pk}",
        subject=f"At {start:%H:%M %Z}: {round_name} with {candidate}",
        body="\n".join(lines),
        to=[interviewer.email],
    )
    return True


# The daily digest ------------------------------------------------------------------------


def digest_recipients() -> list[int]:
    """Hiring managers with at least one open loop."""
    return list(
        User.objects.filter(
            groups__name=Role.HIRING_MANAGER, is_active=True, loops_managed__status__in=Loop.OPEN_STATUSES
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def hiring_manager_digest(*, user_id: int, now: datetime) -> bool:
    """Email a hiring manager their overdue scorecards and loops at risk or overdue, once a
    day, and nothing when there is nothing to say. True if sent."""
    manager = User.objects.filter(pk=user_id, is_active=True).first()
    if manager is None:
        return False
    today = timezone.localdate(now)
    cards = list(
        overdue_scorecards(now)
        .filter(loop__hiring_manager=manager, loop__status__in=Loop.OPEN_STATUSES)
        .select_related("interviewer", "round__rubric_round", "loop__candidate")
        .order_by("loop_id", "round__order")
    )
    loops = list(
        Loop.objects.filter(hiring_manager=manager, status__in=Loop.OPEN_STATUSES, at_risk_from__lt=today)
        .select_related("candidate")
        .order_by("due_by")
    )
    if not cards and not loops:
        return False
    try:
        with transaction.atomic():
            claimed = DigestSent.objects.create(user=manager, sent_on=today, items=len(cards) + len(loops))
    except IntegrityError:
        return False
    lines = [f"Hello {manager.get_full_name() or manager.username},", ""]
    if cards:
        lines.append(f"Overdue scorecards ({len(cards)}):")
        for card in cards:
            name = card.interviewer.get_full_name() or card.interviewer.username
            lines.append(
                f"- {card.loop.candidate.name}, {card.round.rubric_round.name}: {name} — {scorecard_link(card.pk)}"
            )
        lines.append("")
    if loops:
        lines.append(f"Loops against the window ({len(loops)}):")
        for loop in loops:
            link = settings.SITE_URL.rstrip("/") + reverse("loop-page", args=[loop.pk])
            lines.append(
                f"- {loop.candidate.name}: {Loop.Pace(loop.pace(today)).label.lower()}, week {loop.weeks_elapsed(today)}, "
                f"due by {loop.due_by:%d %b %Y} — {link}"
            )
        lines.append("")
    lines.append("— Keeper")
    email_enqueue(
        key=f"digest:{claimed.pk}",
        subject=f"Keeper digest: {len(cards)} overdue scorecard{'s' if len(cards) != 1 else ''}, "
        f"{len(loops)} loop{'s' if len(loops) != 1 else ''} against the window",
        body="\n".join(lines) + "\n",
        to=[manager.email],
    )
    return True
