from datetime import timedelta

import pytest
from django.utils import timezone

from loops.models import Loop, TimelineEvent
from rubric.services import rubric_new_draft
from tests.factories import CandidateFactory


def open_loop(api, candidate, hana, **extra):
    return api.post("/api/v1/loops/", {"candidate": candidate.pk, "hiring_manager": hana.pk, **extra})


def test_opening_a_loop_creates_the_seven_steps_in_rubric_order(api, hana, rick, candidate, rubric):
    api.force_authenticate(hana)
    started = timezone.localdate() - timedelta(days=10)

    response = open_loop(api, candidate, hana, recruiter=rick.pk, started_on=started.isoformat())

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "active"
    assert body["rubric"] == rubric.pk
    assert body["started_on"] == started.isoformat()
    assert body["due_by"] == (started + timedelta(weeks=10)).isoformat()
    assert body["weeks_elapsed"] == 1.4
    assert body["pace"] == "on_track"
    slugs = [r["slug"] for r in body["rounds"]]
    assert slugs == [
        "recruiter-screen",
        "hiring-manager-screen",
        "onsite",
        "coding",
        "system-design",
        "behavioral",
        "director-final",
    ]
    rounds = {r["slug"]: r for r in body["rounds"]}
    assert {r["block"] for r in body["rounds"][3:]} == {rounds["onsite"]["id"]}
    assert rounds["onsite"]["kind"] == "block"
    assert all(r["status"] == "planned" and r["outcome"] is None for r in body["rounds"])
    assert body["current_round"] == rounds["recruiter-screen"]["id"]
    assert body["candidate"] == {
        "id": candidate.pk,
        "name": "Jordan Rivera",
        "email": "jordan@example.com",
        "level": "senior",
    }
    assert [e["kind"] for e in body["timeline"]] == ["loop_opened"]
    assert body["timeline"][0]["actor"] == "Hana Sato"


def test_started_on_defaults_to_today_and_may_not_lie_in_the_future(api, hana, candidate, rubric):
    api.force_authenticate(hana)
    tomorrow = timezone.localdate() + timedelta(days=1)

    refused = open_loop(api, candidate, hana, started_on=tomorrow.isoformat())
    accepted = open_loop(api, candidate, hana)

    assert refused.status_code == 400
    assert "started_on" in refused.json()
    assert accepted.json()["started_on"] == timezone.localdate().isoformat()


def test_every_problem_with_a_loop_is_named(api, hana, alice, rubric):
    junior = CandidateFactory(level="junior", created_by=hana)
    api.force_authenticate(hana)

    response = api.post("/api/v1/loops/", {"candidate": junior.pk, "hiring_manager": alice.pk, "recruiter": alice.pk})

    assert response.status_code == 400
    assert set(response.json()) == {"candidate", "hiring_manager", "recruiter"}
    assert "hireable levels are" in response.json()["candidate"][0]
    assert not Loop.objects.exists()


def test_missing_and_malformed_fields_are_a_400(api, hana, rubric):
    api.force_authenticate(hana)

    response = api.post("/api/v1/loops/", {"candidate": "one", "started_on": "yesterday"})

    assert response.status_code == 400
    assert set(response.json()) == {"candidate", "hiring_manager", "started_on"}


def test_a_candidate_in_an_open_loop_cannot_enter_a_second(api, hana, loop, candidate):
    api.force_authenticate(hana)

    response = open_loop(api, candidate, hana)

    assert response.status_code == 409
    assert Loop.objects.count() == 1


def test_a_draft_rubric_cannot_host_a_loop(api, hana, ada, candidate, rubric):
    draft = rubric_new_draft(rubric=rubric)
    api.force_authenticate(ada)

    response = open_loop(api, candidate, hana, rubric=draft.pk)

    assert response.status_code == 400
    assert "rubric" in response.json()


def test_interviewers_cannot_open_loops(api, alice, hana, candidate):
    api.force_authenticate(alice)

    assert open_loop(api, candidate, hana).status_code == 403
    assert not Loop.objects.exists()


def test_the_rubric_version_stays_pinned_when_a_new_one_is_published(api, hana, loop, rubric):
    from rubric.services import rubric_publish

    rubric_publish(rubric=rubric_new_draft(rubric=rubric))
    api.force_authenticate(hana)

    assert api.get(f"/api/v1/loops/{loop.pk}/").json()["rubric"] == rubric.pk


def test_the_opening_is_on_the_timeline(loop):
    assert list(TimelineEvent.objects.filter(loop=loop).values_list("kind", flat=True)) == ["loop_opened"]


@pytest.mark.parametrize("user", ["alice", "eve"])
def test_loops_are_hidden_from_people_not_on_them(api, loop, user, request):
    api.force_authenticate(request.getfixturevalue(user))

    assert api.get(f"/api/v1/loops/{loop.pk}/").status_code == 404
    assert api.get("/api/v1/loops/").json() == []


@pytest.mark.parametrize("user", ["hana", "rick", "dora", "ada"])
def test_the_hiring_team_sees_the_loop(api, loop, user, request):
    api.force_authenticate(request.getfixturevalue(user))

    assert api.get(f"/api/v1/loops/{loop.pk}/").status_code == 200
    assert [item["id"] for item in api.get("/api/v1/loops/").json()] == [loop.pk]
