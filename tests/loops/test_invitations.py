"""Interviewers' calendar invitations (Product §3): every change of what their calendar should hold
writes one outbox email in the change's transaction, with an iCalendar part (METHOD REQUEST or
CANCEL, one UID per assignment, SEQUENCE raised on every change), parsed back here with icalendar."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.services import profile_time_zone_set
from loops.invitations import assignment_uid
from loops.models import Loop
from loops.services import loop_move, round_schedule, round_set_status
from mail.models import OutgoingEmail
from mail.services import outbox_deliver
from scorecards.services import interviewer_assign, interviewer_unassign
from tests.conftest import at, round_of


@pytest.fixture
def screen(loop):
    return round_of(loop, "recruiter-screen")


def in_days(days: float, hour: int = 10) -> datetime:
    return at(-days, hour=hour)


def emails(to: str | None = None) -> list[OutgoingEmail]:
    rows = OutgoingEmail.objects.filter(key__startswith="invite:").order_by("pk")
    return [row for row in rows if to is None or row.to == [to]]


def event_of(email: OutgoingEmail):
    """The email's calendar part parsed back: (the calendar, its one event)."""
    (attachment,) = email.attachments
    assert attachment["mimetype"] == "text/calendar"
    assert attachment["filename"] == "invite.ics"
    calendar = Calendar.from_ical(attachment["content"])
    assert attachment["params"] == {"method": str(calendar["METHOD"])}
    (event,) = calendar.events
    return calendar, event


def test_assigning_to_a_scheduled_round_sends_a_request_with_time_place_and_kit(api, hana, alice, screen, settings):
    settings.SITE_URL = "https://keeper.example.com"
    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    api.force_authenticate(hana)
    api.patch(
        f"/api/v1/rounds/{screen.pk}/", {"location": "Room 4, Los Gatos", "video_url": "https://meet.example.com/abc"}
    )

    assignment = interviewer_assign(round=screen, interviewer=alice, by=hana)

    (email,) = emails()
    calendar, event = event_of(email)
    screen.refresh_from_db()
    kit = f"https://keeper.example.com/scorecards/{assignment.scorecard.pk}/"
    assert email.key == f"invite:assignment-{assignment.pk}@keeper.example.com:0"
    assert email.to == ["alice@example.com"]
    assert email.subject.startswith("Invitation: Recruiter screen with Jordan Rivera")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"assignment-{assignment.pk}@keeper.example.com" == assignment_uid(assignment.pk)
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == screen.scheduled_start
    assert event.decoded("DTEND") == screen.scheduled_end == screen.scheduled_start + timedelta(minutes=30)
    assert event.decoded("DTSTART").tzinfo is not None
    assert str(event["SUMMARY"]) == "Interview: Jordan Rivera — Recruiter screen"
    assert str(event["LOCATION"]) == "Room 4, Los Gatos"
    assert str(event["URL"]) == kit
    assert "Video: https://meet.example.com/abc" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:hana@example.com"
    assert str(event["ATTENDEE"]) == "mailto:alice@example.com"
    assert event["ATTENDEE"].params["CN"] == "Alice Ng"
    assert f"Interview kit: {kit}" in email.body
    assert "Where: Room 4, Los Gatos" in email.body
    assert "Video: https://meet.example.com/abc" in email.body


def test_assigning_before_the_time_is_set_tells_without_a_calendar_part_then_scheduling_invites(hana, alice, screen):
    assignment = interviewer_assign(round=screen, interviewer=alice, by=hana)

    round_schedule(round=screen, start=in_days(2), end=None, by=hana)

    notice, invite = emails()
    assert notice.attachments == []
    assert notice.subject == "Interview assigned: Recruiter screen with Jordan Rivera"
    assert "Hana Sato has asked you to interview Jordan Rivera: Recruiter screen." in notice.body
    assert "When: not set yet" in notice.body
    calendar, event = event_of(invite)
    assert invite.key == f"invite:{assignment_uid(assignment.pk)}:1"
    assert (str(calendar["METHOD"]), event["SEQUENCE"]) == ("REQUEST", 1)
    assert invite.subject.startswith("Invitation: Recruiter screen with Jordan Rivera, ")


def test_every_change_raises_the_sequence_of_the_same_uid_and_sends_once(api, hana, alice, bob, screen):
    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    interviewer_assign(round=screen, interviewer=alice, by=hana)
    interviewer_assign(round=screen, interviewer=bob, by=hana)
    api.force_authenticate(hana)

    round_schedule(round=screen, start=in_days(3), end=None, by=hana)  # moved
    round_schedule(round=screen, start=in_days(3), end=None, by=hana)  # the same time again: no change
    api.patch(f"/api/v1/rounds/{screen.pk}/", {"video_url": "https://meet.example.com/new"})
    api.patch(f"/api/v1/rounds/{screen.pk}/", {"video_url": "https://meet.example.com/new"})  # no change

    sent = emails("alice@example.com")
    parsed = [event_of(email) for email in sent]
    assert [event["SEQUENCE"] for _, event in parsed] == [0, 1, 2]
    assert len({str(event["UID"]) for _, event in parsed}) == 1
    assert [str(calendar["METHOD"]) for calendar, _ in parsed] == ["REQUEST"] * 3
    assert [email.subject.split(":")[0] for email in sent] == ["Invitation", "Updated invitation", "Updated invitation"]
    assert "has moved" in sent[1].body
    assert parsed[1][1].decoded("DTSTART") == in_days(3)
    assert str(parsed[2][1]["LOCATION"]) == "https://meet.example.com/new"
    assert len(emails("bob@example.com")) == 3
    assert outbox_deliver() == 6
    assert outbox_deliver() == 0
    assert len(mail.outbox) == 6


def test_removing_an_interviewer_cancels_their_invitation(hana, alice, screen):
    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    assignment = interviewer_assign(round=screen, interviewer=alice, by=hana)

    interviewer_unassign(assignment=assignment, by=hana)

    request, cancel = emails()
    calendar, event = event_of(cancel)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(event_of(request)[1]["UID"])
    assert event["SEQUENCE"] == 1
    assert cancel.subject.startswith("Cancelled: Recruiter screen with Jordan Rivera")
    assert "Hana Sato has taken you off it" in cancel.body
    assert "Interview kit" not in cancel.body


def test_removing_from_an_unscheduled_round_tells_without_a_calendar_part(hana, alice, screen):
    assignment = interviewer_assign(round=screen, interviewer=alice, by=hana)

    interviewer_unassign(assignment=assignment, by=hana)

    _, removed = emails()
    assert removed.attachments == []
    assert removed.subject == "Cancelled: Recruiter screen with Jordan Rivera"


@pytest.mark.parametrize(("status", "words"), [("planned", "no longer scheduled"), ("skipped", "the step is skipped")])
def test_unscheduling_or_skipping_a_round_cancels(hana, alice, screen, status, words):
    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    interviewer_assign(round=screen, interviewer=alice, by=hana)

    round_set_status(round=screen, status=status, by=hana)

    _, cancel = emails()
    calendar, event = event_of(cancel)
    assert (str(calendar["METHOD"]), event["SEQUENCE"]) == ("CANCEL", 1)
    assert words in cancel.body


def test_closing_a_loop_cancels_the_interviews_still_to_come_only(hana, alice, bob, loop, screen):
    round_schedule(round=screen, start=at(10), end=None, by=hana)  # held already
    interviewer_assign(round=screen, interviewer=bob, by=hana)
    manager_screen = round_of(loop, "hiring-manager-screen")
    round_schedule(round=manager_screen, start=in_days(2), end=None, by=hana)
    interviewer_assign(round=manager_screen, interviewer=alice, by=hana)

    loop_move(loop=Loop.objects.get(pk=loop.pk), to=Loop.Status.WITHDRAWN, by=hana, reason="Took another offer")

    assert len(emails("bob@example.com")) == 1
    _, cancel = emails("alice@example.com")
    assert str(event_of(cancel)[0]["METHOD"]) == "CANCEL"
    assert "the loop has closed" in cancel.body
    assert "Took another offer" not in cancel.body


def test_a_refused_change_writes_no_invitation(api, hana, alice, screen):
    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    interviewer_assign(round=screen, interviewer=alice, by=hana)
    api.force_authenticate(hana)

    before = api.patch(f"/api/v1/rounds/{screen.pk}/", {"scheduled_start": at(40).isoformat()})  # before the loop

    assert before.status_code == 400
    assert len(emails()) == 1


def test_the_email_shows_the_interviewers_own_time_zone(hana, alice, screen):
    profile_time_zone_set(user=alice, time_zone="Asia/Tokyo")
    start = timezone.localtime(in_days(2)).replace(hour=10).astimezone(UTC)

    round_schedule(round=screen, start=start, end=None, by=hana)
    interviewer_assign(round=screen, interviewer=alice, by=hana)

    (email,) = emails()
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"When: {tokyo:%a %d %b %Y, %H:%M} to " in email.body
    assert "JST (Asia/Tokyo)" in email.body
    assert event_of(email)[1].decoded("DTSTART") == start


def test_the_delivered_email_is_plain_text_with_the_calendar_part(hana, alice, screen):
    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    interviewer_assign(round=screen, interviewer=alice, by=hana)

    outbox_deliver()

    (message,) = mail.outbox
    mime = message.message()
    parts = [part for part in mime.walk() if not part.is_multipart()]
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/calendar"]
    calendar_part = parts[1]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert calendar_part.get_filename() == "invite.ics"
    parsed = Calendar.from_ical(calendar_part.get_payload(decode=True))
    assert str(parsed.events[0]["UID"]) == str(event_of(emails()[0])[1]["UID"])
    assert "<html" not in message.body.lower()


def test_an_interviewer_without_an_email_address_gets_nothing_and_nothing_breaks(hana, alice, screen):
    alice.email = ""
    alice.save(update_fields=["email"])

    round_schedule(round=screen, start=in_days(2), end=None, by=hana)
    assignment = interviewer_assign(round=screen, interviewer=alice, by=hana)

    assert emails() == []
    assert assignment.scorecard.pk
