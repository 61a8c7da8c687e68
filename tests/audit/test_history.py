"""The database records every change with who made it and from where (issue #11), and the
loop's history is read by its hiring team without breaking independent scoring (Product §4)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.history import SOURCES
from keeper.history import history_context
from loops.models import Assignment, Candidate, Loop, Round
from scorecards.models import ValueRating
from tests.conftest import assign, complete_body, round_of, submit_complete


def recorded() -> dict[tuple[str, int], object]:
    """Every event in every history table, by (table, event id)."""
    return {
        (source.event_model._meta.label, event.pgh_id): event
        for source in SOURCES
        for event in source.event_model.objects.select_related("pgh_context")
    }


def new_events(before: dict) -> list:
    return [event for key, event in recorded().items() if key not in before]


def test_a_mixed_set_of_k_changes_makes_exactly_k_events_each_with_its_actor(hana, alice, loop):
    card = assign(loop, "coding", alice)
    rating_values = list(card.assignment.values_in_focus.order_by("order")[:2])
    before = recorded()

    with history_context(user=hana.pk):
        candidate = loop.candidate
        candidate.name = "Jordan R. Rivera"
        candidate.save(update_fields=["name"])  # 1: a save()
        Loop.objects.filter(pk=loop.pk).update(due_by=F("due_by") + timedelta(days=7))  # 2: queryset.update()
        Loop.objects.filter(pk=loop.pk).update(status=F("status"))  # changes nothing: no event
        rounds = list(loop.rounds.filter(rubric_round__slug__in=["coding", "system-design", "behavioral"]))
        for step in rounds:
            step.ratings_due_at = step.evidence_due_at = candidate.created_at
        Round.objects.bulk_update(rounds, ["ratings_due_at", "evidence_due_at"])  # 3, 4, 5: a bulk update
        made = ValueRating.objects.bulk_create(  # 6, 7: a bulk insert
            ValueRating(revision_id=card.current_revision_id, value=value, rating=3, evidence="Seen in the pairing.")
            for value in rating_values
        )
        with connection.cursor() as cursor:  # 8, 9: raw SQL
            cursor.execute("UPDATE scorecards_valuerating SET rating = 4 WHERE id = %s", [made[0].pk])
            cursor.execute("DELETE FROM scorecards_valuerating WHERE id = %s", [made[1].pk])
        Assignment.objects.filter(pk=card.assignment_id).update(notes="Probe the rate limiter.")  # 10
    k = 10

    events = new_events(before)

    assert len(events) == k
    assert {event.pgh_context.metadata["user"] for event in events} == {hana.pk}
    labels = sorted((e._meta.model_name, e.pgh_label) for e in events)
    assert labels == sorted(
        [("candidateevent", "update"), ("loopevent", "update")]
        + [("roundevent", "update")] * 3
        + [("valueratingevent", "insert")] * 2
        + [("valueratingevent", "update"), ("valueratingevent", "delete"), ("assignmentevent", "update")]
    )
    assert Candidate.objects.get().name == "Jordan R. Rivera"


def test_token_authenticated_api_writes_record_the_user_and_url(alice, draft_scorecard):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=alice).key)
    before = recorded()

    response = client.patch(f"/api/v1/scorecards/{draft_scorecard.pk}/", complete_body(draft_scorecard), format="json")

    assert response.status_code == 200
    events = new_events(before)
    assert events
    assert {e.pgh_context.metadata["user"] for e in events} == {alice.pk}
    assert {e.pgh_context.metadata["url"] for e in events} == {f"/api/v1/scorecards/{draft_scorecard.pk}/"}


def test_page_writes_record_the_signed_in_user(client, hana, loop):
    client.force_login(hana)
    before = recorded()

    response = client.post(f"/loops/{loop.pk}/hold/")

    assert response.status_code == 302
    (event,) = new_events(before)
    assert (event._meta.model_name, event.status) == ("loopevent", "on_hold")
    assert event.pgh_context.metadata == {"user": hana.pk, "url": f"/loops/{loop.pk}/hold/"}


# Reading it -----------------------------------------------------------------------------------


def history(client, loop, **params):
    return client.get(f"/api/v1/loops/{loop.pk}/history/", params)


@pytest.mark.parametrize(
    ("user", "expected"), [("hana", 200), ("rick", 200), ("dora", 200), ("ada", 200), ("alice", 403), ("eve", 404)]
)
def test_the_history_is_for_the_hiring_team(api, client, loop, alice, user, expected, request):
    assign(loop, "coding", alice)
    person = request.getfixturevalue(user)
    api.force_authenticate(person)
    client.force_login(person)

    assert history(api, loop).status_code == expected
    assert client.get(f"/loops/{loop.pk}/history/").status_code == expected


def texts(entries: list[dict]) -> str:
    return " ".join(str(change["to"]) + " " + str(change["from"]) for e in entries for change in e["changes"])


def test_drafts_and_their_early_versions_stay_with_their_authors(api, loop, hana, alice, bob, dora):
    alices = assign(loop, "coding", alice)
    body = complete_body(alices)
    body["value_ratings"][0]["evidence"] = "ALICE-DRAFT-SECRET"
    api.force_authenticate(alice)
    assert api.patch(f"/api/v1/scorecards/{alices.pk}/", body, format="json").status_code == 200
    bobs = assign(loop, "system-design", bob)
    early = complete_body(bobs)
    early["value_ratings"][0]["evidence"] = "BOB-EARLY-DRAFT"
    api.force_authenticate(bob)
    assert api.patch(f"/api/v1/scorecards/{bobs.pk}/", early, format="json").status_code == 200
    bobs = submit_complete(bobs)  # the final text replaces the early one before submission
    amended = api.post(
        f"/api/v1/scorecards/{bobs.pk}/amendments/",
        {"reason": "BOB-AMENDMENT-REASON", "summary": "BOB-AMENDED-SUMMARY"},
        format="json",
    )
    assert amended.status_code == 201
    hanas = assign(loop, "hiring-manager-screen", hana)
    own = complete_body(hanas)
    own["summary"] = "HANA-OWN-DRAFT"
    api.force_authenticate(hana)
    assert api.patch(f"/api/v1/scorecards/{hanas.pk}/", own, format="json").status_code == 200

    api.force_authenticate(dora)
    director = history(api, loop, page_size=500).json()
    api.force_authenticate(hana)
    manager = history(api, loop, page_size=500).json()

    seen_by_director = texts(director)
    assert "BOB-AMENDMENT-REASON" in seen_by_director
    assert "BOB-AMENDED-SUMMARY" in seen_by_director
    assert "ALICE-DRAFT-SECRET" not in seen_by_director
    assert "BOB-EARLY-DRAFT" not in seen_by_director
    assert "HANA-OWN-DRAFT" not in seen_by_director
    assert {e["scorecard"] for e in director if e["scorecard"]} == {bobs.pk}
    # Hana interviews too and her own card is open: she sees her draft, and nobody else's card yet.
    seen_by_manager = texts(manager)
    assert "HANA-OWN-DRAFT" in seen_by_manager
    assert "BOB-AMENDED-SUMMARY" not in seen_by_manager
    assert {e["scorecard"] for e in manager if e["scorecard"]} == {hanas.pk}
    assert any(e["kind"] == "assignment" and e["describes"] == "Alice Ng" for e in manager)


def test_an_entry_says_what_changed_who_did_it_and_from_where(api, loop, hana, rick):
    api.force_authenticate(rick)
    assert (
        api.post(f"/api/v1/loops/{loop.pk}/hold/", {"reason": "Candidate travelling"}, format="json").status_code == 200
    )
    api.force_authenticate(hana)

    latest = history(api, loop).json()[0]

    assert latest["kind"] == "loop"
    assert latest["action"] == "changed"
    assert latest["actor"] == rick.pk
    assert latest["actor_name"] == "Rick Odum"
    assert latest["source"] == {"url": f"/api/v1/loops/{loop.pk}/hold/"}
    assert {"field": "status", "from": "active", "to": "on_hold"} in latest["changes"]


def test_the_loop_page_loads_the_history_section_for_the_team_only(client, loop, hana, alice):
    from loops.services import loop_move

    assign(loop, "coding", alice)
    for _ in range(3):
        loop_move(loop=loop, to=Loop.Status.ON_HOLD, by=hana)
        loop_move(loop=loop, to=Loop.Status.ACTIVE, by=hana)
    client.force_login(hana)
    page = client.get(f"/loops/{loop.pk}/")
    fragment = client.get(f"/loops/{loop.pk}/history/", HTTP_HX_REQUEST="true")
    client.force_login(alice)
    interviewer_page = client.get(f"/loops/{loop.pk}/")

    assert f'hx-get="/loops/{loop.pk}/history/"'.encode() in page.content
    assert b"<html" not in fragment.content
    assert fragment.content.count(b"<time ") == 20
    assert b"The whole history" in fragment.content
    assert b"Alice Ng" in fragment.content
    assert b'id="loop-history"' not in interviewer_page.content


def test_reading_the_history_costs_the_same_for_a_short_or_long_one(api, loop, hana, django_assert_max_num_queries):
    api.force_authenticate(hana)
    with django_assert_max_num_queries(30) as short:
        history(api, loop)
    for slug in ("coding", "system-design", "behavioral"):
        round_ = round_of(loop, slug)
        Round.objects.filter(pk=round_.pk).update(status="skipped")
        Round.objects.filter(pk=round_.pk).update(status="planned")

    with django_assert_max_num_queries(len(short)) as long:
        response = history(api, loop, page_size=500)

    assert len(response.json()) > 6
    assert len(long) == len(short)


def test_the_history_page_shows_the_loops_events(client, loop, hana):
    client.force_login(hana)

    page = client.get(f"/loops/{loop.pk}/history/")

    assert page.status_code == 200
    assert "created loop" in page.content.decode()
