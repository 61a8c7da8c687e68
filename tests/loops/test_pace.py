from datetime import date, timedelta

import pytest
import time_machine

from loops.models import Loop
from loops.services import loop_open
from tests.factories import CandidateFactory

START = date(2026, 3, 2)


@pytest.fixture
def march_loop(hana, rubric):
    with time_machine.travel(START, tick=False):
        return loop_open(candidate=CandidateFactory(created_by=hana), hiring_manager=hana, by=hana)


@pytest.mark.parametrize(
    ("day", "pace", "weeks"),
    [
        (START, "on_track", 0.0),
        (START + timedelta(weeks=6), "on_track", 6.0),
        (START + timedelta(weeks=6, days=1), "at_risk", 6.1),
        (START + timedelta(weeks=10), "at_risk", 10.0),
        (START + timedelta(weeks=10, days=1), "overdue", 10.1),
    ],
)
def test_pace_moves_from_on_track_to_at_risk_to_overdue(api, hana, march_loop, day, pace, weeks):
    api.force_authenticate(hana)

    with time_machine.travel(day, tick=False):
        detail = api.get(f"/api/v1/loops/{march_loop.pk}/").json()
        listed = [item["id"] for item in api.get("/api/v1/loops/", {"pace": pace}).json()]
        others = [p for p in ("on_track", "at_risk", "overdue") if p != pace]
        elsewhere = [item["id"] for p in others for item in api.get("/api/v1/loops/", {"pace": p}).json()]

    assert detail["pace"] == pace
    assert detail["weeks_elapsed"] == weeks
    assert detail["due_by"] == "2026-05-11"
    assert listed == [march_loop.pk]
    assert elsewhere == []


def test_a_closed_loop_stops_the_clock(api, hana, march_loop):
    from loops.services import loop_move

    with time_machine.travel(START + timedelta(weeks=4), tick=False):
        loop_move(loop=march_loop, to=Loop.Status.WITHDRAWN, by=hana)
    api.force_authenticate(hana)

    with time_machine.travel(START + timedelta(weeks=20), tick=False):
        detail = api.get(f"/api/v1/loops/{march_loop.pk}/").json()

    assert detail["weeks_elapsed"] == 4.0
    assert detail["pace"] == "on_track"


def test_the_list_filters_by_status_and_hiring_manager(api, hana, march_loop, rubric):
    from tests.factories import UserFactory

    other = UserFactory(username="omar", roles=["hiring_manager"])
    loop_open(candidate=CandidateFactory(created_by=other), hiring_manager=other, by=other)
    api.force_authenticate(UserFactory(username="dir", roles=["director"]))

    mine = api.get("/api/v1/loops/", {"hiring_manager": hana.pk}).json()
    active = api.get("/api/v1/loops/", {"status": "active"}).json()
    bad = api.get("/api/v1/loops/", {"status": "sleeping", "pace": "fast"})

    assert [item["id"] for item in mine] == [march_loop.pk]
    assert len(active) == 2
    assert bad.status_code == 400
    assert set(bad.json()) == {"status", "pace"}
