"""The loop detail of the API (Product §7.1), with its heavy part kept rendered.

A loop's rounds, assignments, coverage and timeline change only through the services of
``loops.services``, and every one of them records a timeline event in the same transaction
(STYLE.md: every change records the timeline). The newest event's id therefore marks the
version of that part: it is rendered once per mark and kept in the cache, and a read costs the
query that finds the loop (issue #9: the detail was rendered from seven queries on every read).
The loop's own fields, its candidate and the pace against today are read fresh on every request.

The cached part is the hiring team's view; other readers get it with the timeline and other
interviewers' briefing notes taken out, exactly what ``LoopDetailSerializer`` gives them (a test
holds the two equal after every kind of change)."""

import json

from django.core.cache import cache
from django.db import connection
from rest_framework.renderers import JSONRenderer

from keeper.ids import ID_MAX
from keeper.lean import Joined
from loops.models import Candidate, Loop, TimelineEvent
from loops.selectors import (
    LOOP_OWN_FIELDS,
    assignment_plans_attach,
    is_hiring_team,
    loop_coverage,
    loop_detail_queryset,
)
from loops.serializers import RoundSerializer, TimelineEventSerializer

# An upper bound only: a change always moves the mark. It bounds how long a renamed user's
# old name can stay on a timeline that has had no event since.
DETAIL_SECONDS = 600


_MARKED = Joined(
    {
        "loop": (
            Loop,
            "l",
            LOOP_OWN_FIELDS,
        ),
        "candidate": (Candidate, "c", ["id", "name", "email", "level"]),
    }
)


def _marked_loop(pk) -> Loop | None:
    """The loop with its candidate and its newest timeline event's id (``mark``): one
    hand-written statement, cheaper than the ORM's join and subquery on every read (issue #9)."""
    if not 0 < int(pk) <= ID_MAX:
        return None
    # OFFSET 0 keeps PostgreSQL from turning MAX into "walk the primary key back until an event
    # of this loop turns up": an old loop's events lie behind every later loop's, so that read
    # grew with the whole organisation's timeline. Fenced, it reads this loop's events by loop_id.
    found = _MARKED.read(
        f"SELECT {_MARKED.columns()}, (SELECT MAX(x.id) FROM (SELECT e.id FROM {TimelineEvent._meta.db_table} e "
        f"WHERE e.loop_id = l.id{' OFFSET 0' if connection.vendor == 'postgresql' else ''}) x) "
        f"FROM {Loop._meta.db_table} l JOIN {Candidate._meta.db_table} c ON c.id = l.candidate_id WHERE l.id = %s",
        [int(pk)],
    )
    if found is None:
        return None
    parts, (mark,) = found
    loop = parts["loop"]
    loop._state.fields_cache["candidate"] = parts["candidate"]
    loop.mark = mark
    return loop


def _key(loop_id: int) -> str:
    return f"loop-detail:v2:{loop_id}"  # v2: rounds carry location and video_url (#14)


def _rendered_part(loop_id: int, mark: int | None) -> bytes:
    """One cache entry per loop, holding the mark it was rendered at: a reader at another mark
    renders again (so nothing is served for the wrong mark), and forgetting a loop is one delete.
    Kept as JSON text: a cache hit then costs no unpickling of nested data and no re-encoding."""
    kept = cache.get(_key(loop_id))
    if kept is not None and kept[0] == mark:
        return kept[1]
    full = assignment_plans_attach(loop_detail_queryset(Loop.objects.all()).get(pk=loop_id))
    context = {"sees_all_notes": True}
    part = JSONRenderer().render(
        {
            "rounds": RoundSerializer(full.rounds.all(), many=True, context=context).data,
            "coverage": loop_coverage(full),
            "timeline": TimelineEventSerializer(full.timeline.all(), many=True).data,
        }
    )
    cache.set(_key(loop_id), (mark, part), DETAIL_SECONDS)
    return part


def loop_detail_forget(*loop_ids: int) -> None:
    """Drop the kept rendering of these loops: for writes that change what the detail shows
    without recording a timeline event (candidate data erased or anonymized, Product §3)."""
    cache.delete_many([_key(loop_id) for loop_id in loop_ids])


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _head(loop: Loop, today) -> dict:
    """The loop's own fields, as ``LoopHeadSerializer`` gives them (the test of this module
    compares the whole answer with the serializer's): built directly, because a ModelSerializer
    introspects the model on every instance, the largest cost left on a kept read (issue #9)."""
    candidate = loop.candidate
    return {
        "id": loop.pk,
        "candidate": {"id": candidate.pk, "name": candidate.name, "email": candidate.email, "level": candidate.level},
        "status": loop.status,
        "rubric": loop.rubric_id,
        "hiring_manager": loop.hiring_manager_id,
        "recruiter": loop.recruiter_id,
        "started_on": _iso(loop.started_on),
        "due_by": _iso(loop.due_by),
        "weeks_elapsed": loop.weeks_elapsed(today),
        "pace": loop.pace(today),
        "current_round": loop.current_round_id,
        "closed_on": _iso(loop.closed_on),
        "at_risk_from": _iso(loop.at_risk_from),
    }


def loop_detail_json(user, pk, *, today) -> bytes | None:
    """The loop detail as ``user`` may read it, as JSON text, or None when they may not see the
    loop (the rules of ``loops_visible_to``: the hiring team, directors, admins, its interviewers)."""
    loop = _marked_loop(pk)
    if loop is None:
        return None
    part = _rendered_part(loop.pk, loop.mark)
    head = JSONRenderer().render(_head(loop, today))
    if is_hiring_team(user, loop):
        return head[:-1] + b"," + part[1:]
    kept = json.loads(part)
    assignments = [a for round_ in kept["rounds"] for a in round_["assignments"]]
    if not any(a["interviewer"] == user.pk for a in assignments):
        return None
    for assignment in assignments:
        if assignment["interviewer"] != user.pk:
            assignment["notes"] = None
    return head[:-1] + b"," + JSONRenderer().render({**kept, "timeline": []})[1:]
