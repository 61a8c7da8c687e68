"""The interviewers' calendar invitations and feeds (Product §3).

Each assignment is one calendar event, ``assignment-<id>@<site host>``, for its whole life. The
services that change what an interviewer's calendar should hold call ``invitations_send`` in
their own transaction: assigning (``scorecards.services.interviewer_assign``), scheduling or
moving a round, changing its place, taking an interviewer off, unscheduling or skipping a round,
closing the loop. Each call claims the next SEQUENCE of each invitation and writes one outbox
email per interviewer (``mail.invitations``), so the emails commit with the change or not at all,
once per change; the outbox delivers them after the commit.

The private feed (``calendar_feed_text``) shows the same events with the same UIDs and
SEQUENCEs, so a calendar that has both the invitation and the feed shows one event."""

from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import user_time_zone
from loops.models import Assignment, Loop, Round
from mail.invitations import (
    CANCEL,
    CalendarEvent,
    InvitationClaim,
    Person,
    calendar_text,
    delivery_after_commit,
    invitation_attachment,
    invitation_claim,
    invitation_sequences,
)
from mail.services import email_enqueue

# What each change says, by the kind of change: (subject prefix, the sentence that opens the email).
ASSIGNED, SCHEDULED, RESCHEDULED, PLACE = "assigned", "scheduled", "rescheduled", "place"
REMOVED, UNSCHEDULED, SKIPPED, CLOSED = "removed", "unscheduled", "skipped", "closed"
WITHDRAWN = {REMOVED, UNSCHEDULED, SKIPPED, CLOSED}
LEADS = {
    ASSIGNED: "{by} has asked you to interview {candidate}: {round}.",
    SCHEDULED: "{round} with {candidate} is scheduled.",
    RESCHEDULED: "{round} with {candidate} has moved.",
    PLACE: "Where {round} with {candidate} takes place has changed.",
    REMOVED: "You no longer interview {candidate} in {round}: {by} has taken you off it.",
    UNSCHEDULED: "{round} with {candidate} is no longer scheduled. A new invitation will follow when it is.",
    SKIPPED: "{round} with {candidate} will not take place: the step is skipped.",
    CLOSED: "{round} with {candidate} will not take place: the loop has closed.",
}
# The feed shows interviews from this many days back, and every one to come.
FEED_PAST_DAYS = 30
FEED_LIMIT = 500


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "keeper.invalid"


def assignment_uid(assignment_id: int) -> str:
    return f"assignment-{assignment_id}@{site_host()}"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def kit_url(assignment: Assignment) -> str:
    """The interview kit: the interviewer's scorecard page. "scorecard" is the reverse one-to-one
    the scorecards app adds; named, not imported (loops never imports scorecards)."""
    scorecard = getattr(assignment, "scorecard", None)
    return _absolute(reverse("scorecard-page", args=[scorecard.pk])) if scorecard is not None else ""


def _name(user) -> str:
    return user.get_full_name() or user.username


def _loaded(assignments) -> list[Assignment]:
    return list(
        assignments.select_related(
            "interviewer",
            "scorecard",
            "round__rubric_round",
            "round__loop__candidate",
            "round__loop__hiring_manager",
        )
    )


def interview_event(assignment: Assignment) -> CalendarEvent | None:
    """The assignment as a calendar event, or None while its round has no time."""
    round_ = assignment.round
    if round_.scheduled_start is None or round_.scheduled_end is None:
        return None
    loop = round_.loop
    kit = kit_url(assignment)
    manager = loop.hiring_manager
    organizer = (
        Person(_name(manager), manager.email) if manager.email else Person("Keeper", settings.DEFAULT_FROM_EMAIL)
    )
    description = [f"Interview kit: {kit}" if kit else "", f"Video: {round_.video_url}" if round_.video_url else ""]
    description.append(f"Hiring manager: {_name(manager)}")
    return CalendarEvent(
        uid=assignment_uid(assignment.pk),
        start=round_.scheduled_start,
        end=round_.scheduled_end,
        summary=f"Interview: {loop.candidate.name} — {round_.rubric_round.name}",
        description="\n".join(line for line in description if line),
        location=round_.location or round_.video_url,
        url=kit,
        organizer=organizer,
        attendee=Person(_name(assignment.interviewer), assignment.interviewer.email),
    )


def interview_when(round_: Round, zone: ZoneInfo) -> str:
    """The interview's time in words, in ``zone``: Tue 10 Mar 2026, 10:00 to 10:30 CET (Europe/Paris)."""
    start, end = timezone.localtime(round_.scheduled_start, zone), timezone.localtime(round_.scheduled_end, zone)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %Y, %H:%M}"
    return f"{start:%a %d %b %Y, %H:%M} to {until} {start:%Z} ({zone.key})"


def _email(assignment: Assignment, change: str, claim: InvitationClaim, by) -> tuple[str, str]:
    """Subject and plain-text body, with times in the interviewer's own zone (Product §3)."""
    round_, interviewer = assignment.round, assignment.interviewer
    names = {
        "round": round_.rubric_round.name,
        "candidate": round_.loop.candidate.name,
        "by": _name(by) if by is not None else "Keeper",
    }
    scheduled = round_.scheduled_start is not None and round_.scheduled_end is not None
    zone = user_time_zone(interviewer)
    lines = [f"Hello {_name(interviewer)},", "", LEADS[change].format(**names), ""]
    if scheduled:
        lines.append(f"When: {interview_when(round_, zone)}")
    elif change == ASSIGNED:
        lines.append("When: not set yet. An invitation for your calendar will follow when it is.")
    if change not in WITHDRAWN:
        if round_.location:
            lines.append(f"Where: {round_.location}")
        if round_.video_url:
            lines.append(f"Video: {round_.video_url}")
        if kit := kit_url(assignment):
            lines.append(f"Interview kit: {kit}")
    if claim.method == CANCEL:
        lines += ["", "The cancellation for your calendar is attached (invite.ics)."]
    elif claim.method:
        lines += ["", "The invitation for your calendar is attached (invite.ics); later changes update it."]
    lines += ["", "— Keeper", ""]
    what = f"{round_.rubric_round.name} with {round_.loop.candidate.name}"
    if scheduled:
        what += f", {timezone.localtime(round_.scheduled_start, zone):%a %d %b %H:%M %Z}"
    if claim.method == CANCEL or change in WITHDRAWN:
        prefix = "Cancelled"
    elif claim.method is None:
        prefix = "Interview assigned"
    elif change in (RESCHEDULED, PLACE):
        prefix = "Updated invitation"
    else:
        prefix = "Invitation"
    return f"{prefix}: {what}", "\n".join(lines)


def invitations_send(*, assignments, change: str, by: AbstractBaseUser | None) -> int:
    """Announce ``change`` to the interviewers of ``assignments`` (a queryset), one outbox email
    each, in the caller's transaction. A REQUEST while the round has a time, a CANCEL for a
    withdrawn change if a REQUEST stands, a notice otherwise. Returns how many were written."""
    written = 0
    for assignment in _loaded(assignments.order_by("pk")):
        event = interview_event(assignment)
        claim = invitation_claim(
            uid=assignment_uid(assignment.pk), scheduled=event is not None, cancel=change in WITHDRAWN
        )
        if claim.method is None and change in (UNSCHEDULED, SKIPPED, CLOSED):
            continue  # nothing stood in their calendar, and nothing new to tell
        if not assignment.interviewer.email:
            continue
        subject, body = _email(assignment, change, claim, by)
        email_enqueue(
            key=claim.key,
            subject=subject,
            body=body,
            to=[assignment.interviewer.email],
            attachments=invitation_attachment(event, claim) if event is not None else [],
        )
        written += 1
    if written:
        delivery_after_commit()
    return written


def round_invitations_send(*, round_id: int, change: str, by: AbstractBaseUser | None) -> int:
    return invitations_send(assignments=Assignment.objects.filter(round_id=round_id), change=change, by=by)


def loop_invitations_cancel(*, loop_id: int, by: AbstractBaseUser | None) -> int:
    """A closed loop's interviews still to come will not happen: withdraw their invitations."""
    upcoming = Assignment.objects.filter(
        round__loop_id=loop_id, round__status=Round.Status.SCHEDULED, round__scheduled_start__gt=timezone.now()
    )
    return invitations_send(assignments=upcoming, change=CLOSED, by=by)


# The feed ------------------------------------------------------------------------------------


def feed_assignments(user: AbstractBaseUser, now: datetime) -> list[Assignment]:
    """The user's interviews that belong in their calendar: held in the last FEED_PAST_DAYS or to
    come, scheduled or done; a skipped step, or one to come in a closed loop, will not happen."""
    to_come_in_open_loops = Q(round__scheduled_start__gt=now, round__loop__status__in=Loop.OPEN_STATUSES)
    return _loaded(
        Assignment.objects.filter(
            interviewer=user,
            round__status__in=[Round.Status.SCHEDULED, Round.Status.DONE],
            round__scheduled_start__gte=now - timedelta(days=FEED_PAST_DAYS),
        )
        .filter(to_come_in_open_loops | Q(round__scheduled_start__lte=now))
        .order_by("round__scheduled_start", "pk")[:FEED_LIMIT]
    )


def calendar_feed_text(user: AbstractBaseUser, now: datetime) -> str:
    """The user's private calendar (Product §3): their interviews as published events, with the
    UIDs and SEQUENCEs of the invitations they were sent."""
    events = [event for event in map(interview_event, feed_assignments(user, now)) if event is not None]
    sequences = invitation_sequences([event.uid for event in events])
    events = [replace(event, sequence=sequences.get(event.uid, 0)) for event in events]
    return calendar_text(events, name="Keeper interviews")
