"""A person's own settings (Product §3): the time zone their pages, emails and invitations use,
and a private calendar feed at /calendar/<token>.ics that they can turn off or replace."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from rest_framework.authtoken.models import Token

from accounts.models import Profile
from accounts.selectors import calendar_token_hash, user_time_zone
from loops.invitations import assignment_uid
from loops.models import Loop
from loops.services import loop_move, round_schedule, round_set_status
from mail.models import Invitation
from tests.conftest import assign, at, round_of, walk_to_onsite

FEED_URL = re.compile(r'value="(?P<url>https?://[^"]+/calendar/(?P<token>[A-Za-z0-9_-]+)\.ics)"')


def new_feed(client) -> tuple[str, str]:
    """Turn the feed on from the profile page; returns (its address, its path)."""
    made = client.post("/profile/calendar/")
    page = client.get("/profile/")
    assert made.status_code == 302
    found = FEED_URL.search(page.content.decode())
    assert found, "the new address is shown on the page after it is made"
    return found["url"], f"/calendar/{found['token']}.ics"


def feed_events(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar  # a published calendar, not an invitation
    return {str(event["UID"]): event for event in calendar.events}


def test_the_time_zone_is_set_on_the_profile_page_and_pages_show_local_times(client, hana, alice, loop):
    card = assign(loop, "recruiter-screen", alice)
    start = timezone.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=2)
    round_schedule(round=round_of(loop, "recruiter-screen"), start=start, end=None, by=hana)
    client.force_login(alice)

    saved = client.post("/profile/", {"time_zone": "Asia/Tokyo"})
    interviews = client.get("/interviews/").content.decode()
    kit = client.get(f"/scorecards/{card.pk}/").content.decode()

    assert saved.status_code == 302
    assert Profile.objects.get(user=alice).time_zone == "Asia/Tokyo"
    tokyo = timezone.localtime(start, user_time_zone(alice))
    assert f"{tokyo:%a} {tokyo.day} {tokyo:%b}, {tokyo:%H:%M}" in interviews
    assert f"{tokyo:%H:%M}" in kit and "JST" in kit
    assert "Asia/Tokyo" in client.get("/profile/").content.decode()


def test_the_api_keeps_the_servers_zone_with_its_offset(client, hana, alice, loop, settings):
    settings.TIME_ZONE = "UTC"
    assign(loop, "recruiter-screen", alice)
    screen = round_of(loop, "recruiter-screen")
    round_schedule(round=screen, start=at(-2), end=None, by=hana)
    client.force_login(alice)
    client.post("/profile/", {"time_zone": "Asia/Tokyo"})

    body = client.get(f"/api/v1/rounds/{screen.pk}/").json()

    assert body["scheduled_start"].endswith("Z") or body["scheduled_start"].endswith("+00:00")


def test_me_tells_the_api_client_the_persons_zone(api, alice):
    from accounts.services import profile_time_zone_set

    api.force_authenticate(alice)
    before = api.get("/api/v1/me/").json()["time_zone"]
    profile_time_zone_set(user=alice, time_zone="America/Sao_Paulo")

    assert (before, api.get("/api/v1/me/").json()["time_zone"]) == ("UTC", "America/Sao_Paulo")


def test_an_unknown_zone_is_refused_by_name_and_nothing_is_saved(client, alice):
    client.force_login(alice)

    response = client.post("/profile/", {"time_zone": "Mars/Olympus_Mons"}, follow=True)

    assert "&#x27;Mars/Olympus_Mons&#x27; is not a time zone" in response.content.decode()
    assert not Profile.objects.filter(user=alice).exists()
    assert user_time_zone(alice).key == "UTC"


def test_a_stored_zone_the_system_no_longer_knows_falls_back_to_the_sites(client, alice):
    Profile.objects.create(user=alice, time_zone="Europe/Atlantis")  # written before a tzdata update dropped it
    client.force_login(alice)

    assert user_time_zone(alice).key == "UTC"
    assert client.get("/interviews/").status_code == 200


def test_without_a_choice_the_zone_is_the_sites(alice, settings):
    from accounts.services import profile_time_zone_set

    settings.TIME_ZONE = "Europe/Paris"

    before = user_time_zone(alice).key
    profile_time_zone_set(user=alice, time_zone="Europe/Paris")

    assert before == "Europe/Paris"
    assert Profile.objects.get(user=alice).time_zone == ""  # follows the site's default if it changes


def test_the_feed_serves_the_persons_interviews_with_the_invitations_uids(client, hana, alice, bob, loop, settings):
    settings.SITE_URL = "https://keeper.example.com"
    screen_card = assign(loop, "recruiter-screen", alice)
    walk_to_onsite(loop, hana)  # the screens held 20 and 15 days ago, the onsite over the last days
    coding = assign(loop, "coding", alice)
    assign(loop, "system-design", bob)
    client.force_login(alice)
    url, path = new_feed(client)
    client.logout()

    events = feed_events(client.get(path))

    assert url.startswith("https://keeper.example.com/calendar/")
    assert set(events) == {assignment_uid(screen_card.assignment_id)}  # coding has no time yet; bob's is his
    round_schedule(round=round_of(loop, "coding"), start=at(2, hour=11), end=None, by=hana)
    events = feed_events(client.get(path))
    uid = assignment_uid(coding.assignment_id)
    assert set(events) == {assignment_uid(screen_card.assignment_id), uid}
    assert events[uid]["SEQUENCE"] == Invitation.objects.get(uid=uid).sequence == 1
    assert events[uid].decoded("DTSTART") == round_of(loop, "coding").scheduled_start
    assert str(events[uid]["URL"]) == f"https://keeper.example.com/scorecards/{coding.pk}/"


def test_the_feed_leaves_out_what_will_not_happen_and_what_is_long_past(client, hana, alice, loop):
    screen_card = assign(loop, "recruiter-screen", alice)
    manager_card = assign(loop, "hiring-manager-screen", alice)
    round_schedule(round=round_of(loop, "recruiter-screen"), start=at(10), end=None, by=hana)
    round_schedule(round=round_of(loop, "hiring-manager-screen"), start=at(-3), end=None, by=hana)
    client.force_login(alice)
    _, path = new_feed(client)

    both = feed_events(client.get(path))
    loop_move(loop=Loop.objects.get(pk=loop.pk), to=Loop.Status.WITHDRAWN, by=hana)
    after_close = feed_events(client.get(path))

    assert set(both) == {assignment_uid(screen_card.assignment_id), assignment_uid(manager_card.assignment_id)}
    assert set(after_close) == {assignment_uid(screen_card.assignment_id)}  # held already: it stays


def test_a_skipped_or_old_interview_is_not_in_the_feed(client, hana, alice, loop):
    assign(loop, "recruiter-screen", alice)
    round_schedule(round=round_of(loop, "recruiter-screen"), start=at(-2), end=None, by=hana)
    client.force_login(alice)
    _, path = new_feed(client)

    round_set_status(round=round_of(loop, "recruiter-screen"), status="skipped", by=hana)

    assert feed_events(client.get(path)) == {}


def test_the_address_is_shown_once_and_kept_only_hashed(client, alice):
    client.force_login(alice)

    _, path = new_feed(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    again = client.get("/profile/").content.decode()

    assert token not in again
    assert "Your feed is on" in again
    profile = Profile.objects.get(user=alice)
    assert profile.calendar_token_hash == calendar_token_hash(token) != token
    assert len(token) >= 40


def test_the_feed_secret_is_not_the_api_token_and_opens_nothing_else(client, api, alice):
    client.force_login(alice)
    _, path = new_feed(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    api_token = Token.objects.create(user=alice)

    as_api_token = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    api_token_as_feed = client.get(f"/calendar/{api_token.key}.ics")

    assert token != api_token.key
    assert as_api_token.status_code == 401
    assert api_token_as_feed.status_code == 404


def test_revoking_or_replacing_the_address_makes_the_old_one_404(client, alice):
    client.force_login(alice)
    _, first = new_feed(client)
    _, second = new_feed(client)

    replaced = client.get(first)
    current = client.get(second)
    client.post("/profile/calendar/revoke/")
    revoked = client.get(second)

    assert (replaced.status_code, current.status_code, revoked.status_code) == (404, 200, 404)
    assert not Profile.objects.get(user=alice).has_calendar_feed
    assert "Your feed is off" in client.get("/profile/").content.decode()


def test_unknown_addresses_and_deactivated_people_get_404(client, alice):
    client.force_login(alice)
    _, path = new_feed(client)
    client.logout()

    alice.is_active = False
    alice.save(update_fields=["is_active"])

    assert client.get(path).status_code == 404
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404


@pytest.mark.parametrize("path", ["/profile/", "/profile/calendar/", "/profile/calendar/revoke/"])
def test_the_profile_pages_need_a_signed_in_person(client, path, db):
    response = client.get(path) if path == "/profile/" else client.post(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
