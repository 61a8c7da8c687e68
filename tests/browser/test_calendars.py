"""Invitations and time zones through the pages, in Chromium (Product §3): the hiring manager
schedules an interview with its place from the loop page, the interviewer's invitation carries
it, and the interviewer, once they pick their time zone, reads every time in it."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from mail.models import OutgoingEmail
from tests.browser.conftest import shoot
from tests.conftest import assign, round_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_scheduled_place_reaches_the_invitation_and_the_interviewer_reads_their_own_time(sign_in, hana, alice, loop):
    card = assign(loop, "recruiter-screen", alice)
    screen = round_of(loop, "recruiter-screen")
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)

    manager = sign_in(hana)
    page = manager.goto(f"/loops/{loop.pk}/")
    step = page.locator(f"#round-{screen.pk}")
    step.locator("summary", has_text="Schedule").click()
    step.locator(f"#start-{screen.pk}").fill(start.strftime("%Y-%m-%dT%H:%M"))
    step.locator(f"#location-{screen.pk}").fill("Room 4, Los Gatos")
    step.locator(f"#video-{screen.pk}").fill("https://meet.example.com/jordan")
    step.locator("button:has-text('Save schedule')").click()
    expect(page.locator(".messages")).to_contain_text("Recruiter screen updated")
    expect(page.locator(f"#round-{screen.pk}")).to_contain_text("Room 4, Los Gatos")
    shoot(page, "loop-page-scheduled-with-place")

    invitation = OutgoingEmail.objects.filter(key__startswith=f"invite:assignment-{card.assignment_id}@").last()
    event = Calendar.from_ical(invitation.attachments[0]["content"]).events[0]
    assert str(event["LOCATION"]) == "Room 4, Los Gatos"
    assert event.decoded("DTSTART") == start
    assert "Video: https://meet.example.com/jordan" in invitation.body

    interviewer = sign_in(alice)
    page = interviewer.page
    page.click("header a.who")
    expect(page.locator("h1")).to_have_text("Your settings")
    page.select_option("#time_zone", "Asia/Tokyo")
    page.click("button:has-text('Save time zone')")
    expect(page.locator(".messages")).to_contain_text("Time zone saved")
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    page = interviewer.goto("/interviews/")
    expect(page.locator("#upcoming + .table-wrap")).to_contain_text(f"{tokyo:%a} {tokyo.day} {tokyo:%b}, {tokyo:%H:%M}")
    page = interviewer.goto(f"/scorecards/{card.pk}/")
    kit = page.locator("aside")
    expect(kit).to_contain_text(re.compile(rf"{tokyo:%H:%M}\W\d\d:\d\d JST"))
    expect(kit).to_contain_text("Room 4, Los Gatos")
    expect(kit.locator("a[href='https://meet.example.com/jordan']")).to_be_visible()
    shoot(page, "kit-with-place-in-tokyo")

    for person in (manager, interviewer):
        assert person.load_errors == []
