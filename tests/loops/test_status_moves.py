import pytest

from loops.models import Loop, TimelineEvent
from loops.services import assignment_create
from tests.conftest import round_of


def test_hold_and_resume_are_recorded_with_the_reason(api, hana, loop):
    api.force_authenticate(hana)

    held = api.post(f"/api/v1/loops/{loop.pk}/hold/", {"reason": "Candidate travelling"})
    resumed = api.post(f"/api/v1/loops/{loop.pk}/resume/")

    assert held.status_code == 200
    assert held.json()["status"] == "on_hold"
    assert resumed.json()["status"] == "active"
    events = TimelineEvent.objects.filter(loop=loop, kind="loop_status").order_by("pk")
    assert [e.data["to"] for e in events] == ["on_hold", "active"]
    assert "Candidate travelling" in events[0].detail


def test_an_illegal_move_is_a_409_naming_the_current_status(api, hana, loop):
    api.force_authenticate(hana)

    response = api.post(f"/api/v1/loops/{loop.pk}/resume/")

    assert response.status_code == 409
    assert response.json()["status"] == "active"
    assert "detail" in response.json()
    assert not TimelineEvent.objects.filter(loop=loop, kind="loop_status").exists()


def test_a_withdrawn_loop_is_closed_for_good(api, rick, loop):
    api.force_authenticate(rick)

    withdrawn = api.post(f"/api/v1/loops/{loop.pk}/withdraw/", {"reason": "Accepted another offer"})
    again = api.post(f"/api/v1/loops/{loop.pk}/hold/")

    assert withdrawn.status_code == 200
    assert withdrawn.json()["closed_on"] is not None
    assert again.status_code == 409
    assert again.json()["status"] == "withdrawn"
    assert Loop.objects.get(pk=loop.pk).status == "withdrawn"


@pytest.mark.parametrize(("user", "expected"), [("eve", 404), ("alice", 403), ("dora", 403)])
def test_status_moves_are_for_the_loop_coordinators(api, hana, alice, loop, user, expected, request):
    assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    api.force_authenticate(request.getfixturevalue(user))

    for move in ("hold", "withdraw"):
        assert api.post(f"/api/v1/loops/{loop.pk}/{move}/").status_code == expected
    assert Loop.objects.get(pk=loop.pk).status == "active"


def test_anonymous_callers_get_401(api, loop):
    assert api.post(f"/api/v1/loops/{loop.pk}/hold/").status_code == 401
    assert api.get(f"/api/v1/loops/{loop.pk}/").status_code == 401


def test_a_move_answers_with_the_full_detail_of_a_loop_with_assignments(api, hana, alice, loop):
    assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    api.force_authenticate(hana)

    response = api.post(f"/api/v1/loops/{loop.pk}/hold/")

    assert response.status_code == 200
    coding = next(r for r in response.json()["rounds"] if r["slug"] == "coding")
    assert coding["assignments"][0]["questions"] == [5]
    assert response.json()["coverage"]["values"]["curiosity"]["reads"] == 1
