"""Calendar invitations (Product §3): iCalendar events (RFC 5545) built with the icalendar
package, sent through the outbox with the iTIP method (RFC 5546) that says what the email does.

An invitation is known by its UID, which never changes. Every change its owner announces claims
the next SEQUENCE (``invitation_claim``), in the transaction of the change, and the email of
that change is keyed ``invite:<uid>:<sequence>``: exactly one email per change, and a calendar
applies each update over the last one because its SEQUENCE is higher.

- REQUEST: the event with its time, place and links; a later REQUEST with the same UID and a
  higher SEQUENCE moves it.
- CANCEL: the event withdrawn (STATUS:CANCELLED), only when a REQUEST put it in the calendar.
- a notice: an email with no calendar part, for a change with no time to put in a calendar
  (assigned to an interview not scheduled yet; taken off one that never had a time).

Times are written in UTC (``DTSTART:20260310T090000Z``): every calendar shows them in its own
zone, and no VTIMEZONE has to be carried. The emails around them show the recipient's zone."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from mail.models import Invitation

PRODID = "-//Keeper//Interview invitations//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    """One event as calendars see it. ``sequence`` comes from the invitation's claim."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    organizer: Person | None = None
    attendee: Person | None = None
    sequence: int = 0
    cancelled: bool = False


@dataclass(frozen=True)
class InvitationClaim:
    """The change being announced: its SEQUENCE, the iTIP method its email carries (None for a
    notice with no calendar part) and its outbox key."""

    uid: str
    sequence: int
    method: str | None

    @property
    def key(self) -> str:
        return f"invite:{self.uid}:{self.sequence}"


def invitation_claim(*, uid: str, scheduled: bool, cancel: bool = False) -> InvitationClaim:
    """Claim the next SEQUENCE of invitation ``uid`` for one change, inside that change's
    transaction. ``scheduled``: the event has a time (REQUEST); ``cancel``: it is withdrawn
    (CANCEL if a REQUEST had put it in the calendar, else a notice). The first claim is 0."""
    invitation = Invitation.objects.select_for_update().filter(uid=uid).first()
    if invitation is None:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(uid=uid, sequence=0)
        except IntegrityError:  # created meanwhile by a change that did not hold our lock
            invitation = Invitation.objects.select_for_update().get(uid=uid)
            invitation.sequence += 1
    else:
        invitation.sequence += 1
    was_requested = invitation.state == Invitation.State.REQUESTED
    if cancel:
        method = CANCEL if was_requested else None
        invitation.state = Invitation.State.CANCELLED if was_requested else invitation.state
    elif scheduled:
        method = REQUEST
        invitation.state = Invitation.State.REQUESTED
    else:
        method = None
    invitation.save(update_fields=["sequence", "state", "updated_at"])
    return InvitationClaim(uid=uid, sequence=invitation.sequence, method=method)


def invitation_sequences(uids: list[str]) -> dict[str, int]:
    """The SEQUENCE each invitation last went out with, for a feed that shows the same events."""
    return dict(Invitation.objects.filter(uid__in=uids).values_list("uid", "sequence"))


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    for name, value in params.items():
        address.params[name.replace("_", "-").upper()] = value
    return address


def event_component(event: CalendarEvent, *, stamp: datetime) -> Event:
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp.astimezone(UTC))
    component.add("dtstart", event.start.astimezone(UTC))
    component.add("dtend", event.end.astimezone(UTC))
    component.add("summary", event.summary)
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    if event.organizer and event.organizer.email:
        component.add("organizer", _address(event.organizer))
    if event.attendee and event.attendee.email:
        component.add(
            "attendee",
            _address(event.attendee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
        )
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    return component


def calendar_text(events: list[CalendarEvent], *, method: str | None = None, name: str = "") -> str:
    """A VCALENDAR holding ``events``; with ``method`` it is an iTIP message (an invitation),
    without one a published calendar (the feed)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        calendar.add_component(event_component(event, stamp=stamp))
    return calendar.to_ical().decode()


def invitation_attachment(event: CalendarEvent, claim: InvitationClaim) -> list[dict]:
    """The outbox attachment of a claimed change: the event at the claimed SEQUENCE, as
    ``invite.ics`` of type ``text/calendar; method=…; charset=UTF-8``; none for a notice."""
    if claim.method is None:
        return []
    event = replace(event, sequence=claim.sequence, cancelled=claim.method == CANCEL)
    return [
        {
            "filename": "invite.ics",
            "mimetype": "text/calendar",
            "params": {"method": claim.method},
            "content": calendar_text([event], method=claim.method),
        }
    ]


def delivery_after_commit() -> None:
    """Hand the outbox to the mail server once the change that wrote the invitation commits."""
    from mail.tasks import outbox_deliver_task

    transaction.on_commit(outbox_deliver_task.delay)
