"""Where an interview takes place (Product §3): a round's location and video link, set through
PATCH /api/v1/rounds/{id}/ (with a schedule or alone) and the loop page's schedule form, shown in
the loop detail, the round, and the interview kit."""

import pytest

from loops.models import Round, TimelineEvent
from mail.models import OutgoingEmail
from tests.conftest import assign, at, round_of

PLACE = {"location": "Room 4, Los Gatos", "video_url": "https://meet.example.com/abc-defg"}


def patch(api, round_, body):
    return api.patch(f"/api/v1/rounds/{round_.pk}/", body)


def test_a_place_is_set_alone_or_with_the_schedule_and_shown_in_the_round_and_loop_detail(api, hana, loop):
    api.force_authenticate(hana)
    screen, manager_screen = round_of(loop, "recruiter-screen"), round_of(loop, "hiring-manager-screen")

    alone = patch(api, screen, PLACE)
    together = patch(api, manager_screen, {"scheduled_start": at(-3).isoformat(), "location": "Room 9"})
    detail = api.get(f"/api/v1/loops/{loop.pk}/").json()

    assert alone.status_code == 200
    assert {k: alone.json()[k] for k in PLACE} == PLACE
    assert alone.json()["status"] == "planned"  # a place is not a schedule
    assert together.status_code == 200
    assert (together.json()["location"], together.json()["video_url"]) == ("Room 9", "")
    assert together.json()["status"] == "scheduled"
    rounds = {r["id"]: r for r in detail["rounds"]}
    assert {k: rounds[screen.pk][k] for k in PLACE} == PLACE
    assert rounds[manager_screen.pk]["location"] == "Room 9"
    assert all("video_url" in r and "location" in r for r in detail["rounds"])
    assert TimelineEvent.objects.filter(round=screen, detail__contains="Room 4, Los Gatos").exists()


def test_an_empty_value_clears_a_place_and_a_missing_one_keeps_it(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")
    patch(api, screen, PLACE)

    cleared = patch(api, screen, {"video_url": ""}).json()

    assert (cleared["location"], cleared["video_url"]) == (PLACE["location"], "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"video_url": "ftp://files.example.com/x"}, "video_url"),
        ({"video_url": "not a link"}, "video_url"),
        ({"location": "x" * 301}, "location"),
        ({"video_url": "https://example.com/" + "x" * 500}, "video_url"),
    ],
)
def test_bad_places_are_refused_by_field_and_nothing_is_written(api, hana, loop, body, field):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")

    response = patch(api, screen, body)

    assert response.status_code == 400
    assert field in response.json()
    screen.refresh_from_db()
    assert (screen.location, screen.video_url) == ("", "")


def test_a_place_with_a_status_or_an_empty_patch_is_refused(api, hana, loop):
    api.force_authenticate(hana)
    screen = round_of(loop, "recruiter-screen")

    with_status = patch(api, screen, {"status": "skipped", "location": "Room 4"})
    empty = patch(api, screen, {})

    assert with_status.status_code == empty.status_code == 400
    assert "not several" in with_status.json()["non_field_errors"][0]
    assert round_of(loop, "recruiter-screen").status == "planned"


def test_a_finished_rounds_place_no_longer_changes(api, hana, loop):
    from loops.services import round_schedule, round_set_status

    screen = round_of(loop, "recruiter-screen")
    round_schedule(round=screen, start=at(10), end=None, by=hana)
    round_set_status(round=screen, status="done", by=hana)
    api.force_authenticate(hana)

    response = patch(api, screen, {"location": "Room 4"})

    assert response.status_code == 409
    assert round_of(loop, "recruiter-screen").location == ""


@pytest.mark.parametrize(("user", "expected"), [("rick", 200), ("alice", 403), ("eve", 404), ("dora", 403)])
def test_the_loops_coordinators_set_the_place(api, loop, alice, request, user, expected):
    assign(loop, "recruiter-screen", alice)
    api.force_authenticate(request.getfixturevalue(user))

    response = patch(api, round_of(loop, "recruiter-screen"), PLACE)

    assert response.status_code == expected
    assert (round_of(loop, "recruiter-screen").location == PLACE["location"]) == (expected == 200)


def test_the_kit_shows_the_time_and_place(api, client, hana, alice, loop):
    card = assign(loop, "recruiter-screen", alice)
    api.force_authenticate(hana)
    patch(api, round_of(loop, "recruiter-screen"), {"scheduled_start": at(-2).isoformat(), **PLACE})
    api.force_authenticate(alice)
    client.force_login(alice)

    kit = api.get(f"/api/v1/scorecards/{card.pk}/kit/").json()
    page = client.get(f"/scorecards/{card.pk}/").content.decode()

    assert {k: kit["round"][k] for k in PLACE} == PLACE
    assert "Room 4, Los Gatos" in page
    assert 'href="https://meet.example.com/abc-defg"' in page


def test_the_loop_pages_schedule_form_sets_the_place_and_invites(client, hana, alice, loop):
    card = assign(loop, "recruiter-screen", alice)
    screen = round_of(loop, "recruiter-screen")
    client.force_login(hana)
    start = at(-2).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        f"/loops/{loop.pk}/rounds/{screen.pk}/schedule/", {"scheduled_start": start, "scheduled_end": "", **PLACE}
    )
    page = client.get(f"/loops/{loop.pk}/").content.decode()
    refused = client.post(
        f"/loops/{loop.pk}/rounds/{screen.pk}/schedule/",
        {"scheduled_start": start, "location": "", "video_url": "javascript:alert(1)"},
        follow=True,
    )

    assert response.status_code == 302
    screen = Round.objects.get(pk=screen.pk)
    assert (screen.status, screen.location, screen.video_url) == ("scheduled", *PLACE.values())
    assert 'value="Room 4, Los Gatos"' in page and 'value="https://meet.example.com/abc-defg"' in page
    assert "Enter an http or https link." in refused.content.decode()
    assert Round.objects.get(pk=screen.pk).location == PLACE["location"]
    invitation = OutgoingEmail.objects.filter(key__startswith=f"invite:assignment-{card.assignment_id}@").last()
    assert "Where: Room 4, Los Gatos" in invitation.body
