"""The loop detail served from its kept rendering (loops.detail) is, for every reader and
after every kind of change, exactly what LoopDetailSerializer renders from the database."""

import json

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from loops.detail import loop_detail_json
from loops.models import Loop
from loops.selectors import is_hiring_team, loop_detail_get, loops_visible_to
from loops.serializers import LoopDetailSerializer
from loops.services import assignment_update, loop_move
from scorecards.services import interviewer_unassign
from tests.conftest import assign, submit_complete, walk_to_onsite


def _truth(user, loop_id: int, today) -> dict | None:
    """What the detail was before it was kept rendered: serialised from the database."""
    if not loops_visible_to(user).filter(pk=loop_id).exists():
        return None
    loop = loop_detail_get(Loop.objects.all(), loop_id)
    fresh = type(user).objects.get(pk=user.pk)
    context = {"today": today, "viewer_id": user.pk, "sees_all_notes": is_hiring_team(fresh, loop)}
    return json.loads(JSONRenderer().render(LoopDetailSerializer(loop, context=context).data))


def _served(user, loop_id: int, today) -> dict | None:
    fresh = type(user).objects.get(pk=user.pk) if user.is_authenticated else user
    detail = loop_detail_json(fresh, loop_id, today=today)
    return None if detail is None else json.loads(detail)


def test_kept_detail_equals_the_serializer_after_every_change(loop, alice, bob, hana, dora, rick, ada, eve):
    people = [alice, bob, hana, dora, rick, ada, eve]
    today = timezone.localdate()
    steps = {}

    def check(step):
        steps[step] = [p.username for p in people if _served(p, loop.pk, today) != _truth(p, loop.pk, today)]
        assert _served(AnonymousUser(), loop.pk, today) is None

    check("opened")
    alices = assign(loop, "coding", alice)
    check("alice assigned")
    assignment_update(assignment=alices.assignment, by=hana, notes="Probe the cache design.")
    check("notes changed")
    assignment_update(assignment=alices.assignment, by=hana, values_in_focus=["judgment", "courage"])
    check("values changed")
    bobs = assign(loop, "system-design", bob)
    interviewer_unassign(assignment=bobs.assignment, by=hana)
    check("bob assigned and removed")
    walk_to_onsite(loop, hana)
    check("screens done, onsite scheduled")
    submit_complete(assign(loop, "behavioral", bob))
    check("bob submitted")
    loop_move(loop=Loop.objects.get(pk=loop.pk), to=Loop.Status.ON_HOLD, by=hana, reason="Candidate travelling")
    check("on hold")
    loop_move(loop=Loop.objects.get(pk=loop.pk), to=Loop.Status.ACTIVE, by=hana, reason="Back")
    check("resumed")
    assert {step: who for step, who in steps.items() if who} == {}


def test_an_interviewer_reads_their_own_notes_only_and_no_timeline(loop, alice, bob, hana):
    alices = assign(loop, "coding", alice)
    bobs = assign(loop, "system-design", bob)
    assignment_update(assignment=alices.assignment, by=hana, notes="For Alice.")
    assignment_update(assignment=bobs.assignment, by=hana, notes="For Bob.")
    detail = _served(alice, loop.pk, timezone.localdate())
    notes = {a["interviewer"]: a["notes"] for r in detail["rounds"] for a in r["assignments"]}
    assert notes == {alice.pk: "For Alice.", bob.pk: None}
    assert detail["timeline"] == []
    assert _served(hana, loop.pk, timezone.localdate())["timeline"]


def test_the_pace_is_of_today_not_of_when_it_was_rendered(loop, hana):
    _served(hana, loop.pk, timezone.localdate())  # rendered and kept
    with time_machine.travel(timezone.now() + timezone.timedelta(weeks=12)):
        later = timezone.localdate()
        assert _served(hana, loop.pk, later) == _truth(hana, loop.pk, later)
        assert _served(hana, loop.pk, later)["pace"] == "overdue"


@pytest.mark.parametrize("pk", ["abc", "-1", "99999999999999999999999", "0"])
def test_odd_ids_are_not_found(api, hana, pk):
    api.force_authenticate(hana)
    response = api.get(f"/api/v1/loops/{pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}  # as for any unseen or missing loop


def test_the_api_answers_from_it(api, loop, alice, hana, eve):
    assign(loop, "coding", alice)
    for user, expected in ((hana, 200), (alice, 200), (eve, 404)):
        api.force_authenticate(user)
        response = api.get(f"/api/v1/loops/{loop.pk}/")
        assert response.status_code == expected
        if expected == 200:
            assert response.json() == _truth(user, loop.pk, timezone.localdate())


def test_a_forgotten_loop_is_rendered_again(loop, alice, hana):
    """A write that records no event (an erasure rewriting notes) is followed by a forget."""
    from loops.detail import loop_detail_forget
    from loops.models import Assignment

    assignment = assign(loop, "coding", alice).assignment
    assignment_update(assignment=assignment, by=hana, notes="Personal remark about the candidate.")
    today = timezone.localdate()
    assert _served(hana, loop.pk, today) == _truth(hana, loop.pk, today)
    Assignment.objects.filter(pk=assignment.pk).update(notes="[removed]")
    assert _served(hana, loop.pk, today) != _truth(hana, loop.pk, today)  # kept: the write recorded no event
    loop_detail_forget(loop.pk)
    assert _served(hana, loop.pk, today) == _truth(hana, loop.pk, today)


def test_the_mark_reads_only_the_loops_own_events_however_long_the_timeline(loop, hana):
    """The detail's mark (its loop's newest event) must not cost more as other loops add events.
    An older loop's events lie behind every newer loop's in the primary key; a plan that walks
    the key back past them (what PostgreSQL made of a plain MAX) grew with the organisation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from loops.detail import _marked_loop
    from loops.models import Candidate, TimelineEvent
    from loops.services import loop_open

    newer = loop_open(
        candidate=Candidate.objects.create(name="Later", email="later@example.com", level="senior"),
        hiring_manager=hana,
        by=hana,
    )
    TimelineEvent.objects.bulk_create(
        TimelineEvent(loop=newer, kind=TimelineEvent.Kind.ROUND_STATUS, detail=f"Event {n}.") for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE loops_timelineevent")
    with CaptureQueriesContext(connection) as captured:
        marked = _marked_loop(loop.pk)
    assert marked.mark == TimelineEvent.objects.filter(loop=loop).order_by("-id").first().pk

    (read,) = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + read)
        plan = cursor.fetchone()[0]

    def timeline_rows(node) -> int:
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        here = own if node.get("Relation Name") == "loops_timelineevent" else 0
        return here + sum(timeline_rows(child) for child in node.get("Plans", []))

    own_events = TimelineEvent.objects.filter(loop=loop).count()
    assert timeline_rows(plan[0]["Plan"]) <= own_events, json.dumps(plan, indent=1)[:3000]
