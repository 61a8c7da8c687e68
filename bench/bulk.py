"""Bulk loading for the scale measurements: many submitted or overdue scorecards shaped as the
services leave them, written with bulk inserts (PostgreSQL only, like the benchmark)."""

import uuid

import django_setup  # noqa: F401
import pgtrigger
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from parallel import commits_without_waiting, in_processes, shares

from accounts.services import roles_ensure
from loops.models import Assignment, Candidate, Loop, Round
from loops.services import loop_open
from rubric.selectors import rubric_default, rubric_structure
from scorecards.models import Scorecard, ScorecardRevision, ValueRating

User = get_user_model()
BATCH = 5_000


def interviewer_pool(size: int) -> list[int]:
    """``size`` interviewers (reused across loops: one interviewer per round per loop)."""
    roles_ensure()
    existing = list(User.objects.filter(username__startswith="bulk-").order_by("pk").values_list("pk", flat=True))
    missing = size - len(existing)
    if missing > 0:
        made = User.objects.bulk_create(
            (
                User(username=f"bulk-{uuid.uuid4().hex}", email=f"bulk{i}@example.com", password="!")
                for i in range(missing)
            ),
            batch_size=BATCH,
        )
        group = Group.objects.get(name="interviewer")
        User.groups.through.objects.bulk_create(
            (User.groups.through(user_id=u.pk, group_id=group.pk) for u in made), batch_size=BATCH
        )
        existing += [u.pk for u in made]
    return existing[:size]


def copy_rows(model, columns: list[str], rows) -> None:
    """Rows whose ids nobody needs back (links, ratings), by PostgreSQL's COPY: the million value
    ratings of the scale run as model instances through bulk_create took most of its time."""
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _loop(manager) -> Loop:
    candidate = Candidate.objects.create(name="Bulk candidate", email=f"{uuid.uuid4().hex}@example.com", level="senior")
    return loop_open(candidate=candidate, hiring_manager=manager, by=manager)


@transaction.atomic
def add_scorecards(total: int, *, manager, submitted: bool, slug: str = "behavioral", overdue: bool = False) -> int:
    """Add ``total`` scorecards on round ``slug`` of new loops, BATCH per loop. Submitted ones rate
    every value in focus; drafts are left empty and, with ``overdue``, past both deadlines.

    Loaded with the history and sealing triggers off: these rows are measurement data, not
    changes anyone made, and django-pghistory's statement-level update trigger pairs the old
    and new rows of a statement with a join that grows with the square of its size (5,000
    scorecards linked to their revisions in one UPDATE took minutes)."""
    with pgtrigger.ignore():
        return _add_scorecards(total, manager=manager, submitted=submitted, slug=slug, overdue=overdue)


def _add_part(total: int, manager_id: int) -> int:
    commits_without_waiting()
    return add_scorecards(total, manager=User.objects.get(pk=manager_id), submitted=True)


def add_submitted_in_parallel(total: int, *, manager, jobs: int = 2) -> int:
    """``add_scorecards(total, submitted=True)`` split over ``jobs`` processes: the load is half
    Python building rows and half PostgreSQL checking their foreign keys at commit, so two
    processes keep both cores busy."""
    interviewer_pool(BATCH)  # made once, before the processes read it
    return sum(in_processes(_add_part, shares(total, jobs), [manager.pk] * jobs))


def _add_scorecards(total: int, *, manager, submitted: bool, slug: str, overdue: bool) -> int:
    structure = rubric_structure(rubric_default())
    pool = interviewer_pool(min(total, BATCH))
    made, now = 0, timezone.now()
    while made < total:
        size = min(BATCH, total - made)
        loop = _loop(manager)
        round_ = loop.rounds.get(rubric_round__slug=slug)
        if overdue:
            Round.objects.filter(pk=round_.pk).update(
                status="scheduled",
                scheduled_start=now - timezone.timedelta(days=3),
                scheduled_end=now - timezone.timedelta(days=3, hours=-1),
                ratings_due_at=now - timezone.timedelta(days=2),
                evidence_due_at=now - timezone.timedelta(days=1),
            )
        info = structure.rounds_by_id[round_.rubric_round_id]
        assignments = Assignment.objects.bulk_create(
            (Assignment(round=round_, interviewer_id=pk) for pk in pool[:size]), batch_size=BATCH
        )
        copy_rows(
            Assignment.questions.through,
            ["assignment_id", "question_id"],
            ((a.pk, q) for a in assignments for q in info.question_ids),
        )
        copy_rows(
            Assignment.values_in_focus.through,
            ["assignment_id", "rubricvalue_id"],
            ((a.pk, structure.values_by_slug[s].id) for a in assignments for s in info.value_slugs),
        )
        cards = Scorecard.objects.bulk_create(
            (
                Scorecard(
                    assignment=a,
                    loop=loop,
                    round=round_,
                    interviewer_id=a.interviewer_id,
                    status="submitted" if submitted else "draft",
                    submitted_at=now if submitted else None,
                    ratings_completed_at=now if submitted else None,
                    version=3 if submitted else 1,
                )
                for a in assignments
            ),
            batch_size=BATCH,
        )
        revisions = ScorecardRevision.objects.bulk_create(
            (
                ScorecardRevision(
                    scorecard=c,
                    number=1,
                    recommendation="yes" if submitted else "",
                    keeper="yes" if submitted else "",
                    summary="Bulk-loaded scorecard." if submitted else "",
                    author_id=c.interviewer_id,
                )
                for c in cards
            ),
            batch_size=BATCH,
        )
        if submitted:
            copy_rows(
                ValueRating,
                ["revision_id", "value_id", "rating", "evidence", "pending"],
                (
                    (r.pk, structure.values_by_slug[s].id, 1 + (r.pk + i) % 4, f"Bulk evidence {r.pk} for {s}.", False)
                    for r in revisions
                    for i, s in enumerate(info.value_slugs)
                ),
            )
        with connection.cursor() as cursor:  # link each scorecard to its revision in one statement
            cursor.execute(
                "UPDATE scorecards_scorecard s SET current_revision_id = r.id FROM scorecards_scorecardrevision r "
                "WHERE r.scorecard_id = s.id AND s.loop_id = %s AND s.current_revision_id IS NULL",
                [loop.pk],
            )
        made += size
    return made
