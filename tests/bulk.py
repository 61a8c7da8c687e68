"""Bulk builders for scale tests: many rows quickly, shaped as the services would leave them.
Only the query-count invariants use these; behaviour tests go through the services."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.services import roles_ensure
from loops.models import Assignment, Candidate, Loop, Round
from loops.services import loop_open
from rubric.selectors import rubric_structure
from scorecards.models import Scorecard, ScorecardRevision, ValueRating

User = get_user_model()


def bulk_interviewers(count: int, prefix: str) -> list:
    roles_ensure()
    users = User.objects.bulk_create(
        User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com", password="!") for i in range(count)
    )
    group = Group.objects.get(name="interviewer")
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
    return users


def bulk_loops(count: int, manager) -> list[Loop]:
    loops = []
    for i in range(count):
        candidate = Candidate.objects.create(
            name=f"Candidate {i}", email=f"{uuid.uuid4().hex}@example.com", level="senior"
        )
        loops.append(loop_open(candidate=candidate, hiring_manager=manager, by=manager))
    return loops


def bulk_submitted_scorecards(loop: Loop, count: int, slug: str = "behavioral", rating: int = 3) -> list[Scorecard]:
    """``count`` interviewers on one round, each with a submitted scorecard rating every value in focus."""
    structure = rubric_structure(loop.rubric)
    round_ = loop.rounds.get(rubric_round__slug=slug)
    info = structure.rounds_by_id[round_.rubric_round_id]
    people = bulk_interviewers(count, prefix=f"r{round_.pk}-{uuid.uuid4().hex[:8]}-")
    assignments = Assignment.objects.bulk_create(Assignment(round=round_, interviewer=p) for p in people)
    Assignment.values_in_focus.through.objects.bulk_create(
        Assignment.values_in_focus.through(assignment_id=a.pk, rubricvalue_id=structure.values_by_slug[s].id)
        for a in assignments
        for s in info.value_slugs
    )
    Assignment.questions.through.objects.bulk_create(
        Assignment.questions.through(assignment_id=a.pk, question_id=q) for a in assignments for q in info.question_ids
    )
    now = timezone.now()
    cards = Scorecard.objects.bulk_create(
        Scorecard(
            assignment=a,
            loop=loop,
            round=round_,
            interviewer_id=a.interviewer_id,
            status="submitted",
            submitted_at=now,
            ratings_completed_at=now,
            version=3,
        )
        for a in assignments
    )
    revisions = ScorecardRevision.objects.bulk_create(
        ScorecardRevision(
            scorecard=c, number=1, recommendation="yes", keeper="yes", summary="Bulk", author_id=c.interviewer_id
        )
        for c in cards
    )
    ValueRating.objects.bulk_create(
        ValueRating(revision=r, value_id=structure.values_by_slug[s].id, rating=rating, evidence=f"Evidence {r.pk} {s}")
        for r in revisions
        for s in info.value_slugs
    )
    for card, revision in zip(cards, revisions, strict=True):
        card.current_revision = revision
    Scorecard.objects.bulk_update(cards, ["current_revision"])
    return cards


def first_round(loop: Loop) -> Round:
    return loop.rounds.order_by("order").first()


def bulk_overdue_drafts(loop: Loop, count: int, *, ratings_due_at, evidence_due_at, slug: str = "coding") -> list:
    """``count`` interviewers on one round, each with an empty draft scorecard, the round's
    deadlines set as given: what the reminder sweep chases."""
    round_ = loop.rounds.get(rubric_round__slug=slug)
    Round.objects.filter(pk=round_.pk).update(
        status="scheduled",
        scheduled_start=ratings_due_at - timezone.timedelta(hours=2),
        scheduled_end=ratings_due_at - timezone.timedelta(hours=1),
        ratings_due_at=ratings_due_at,
        evidence_due_at=evidence_due_at,
    )
    people = bulk_interviewers(count, prefix=f"late{round_.pk}-{uuid.uuid4().hex[:8]}-")
    assignments = Assignment.objects.bulk_create(Assignment(round=round_, interviewer=p) for p in people)
    cards = Scorecard.objects.bulk_create(
        Scorecard(assignment=a, loop=loop, round=round_, interviewer_id=a.interviewer_id) for a in assignments
    )
    revisions = ScorecardRevision.objects.bulk_create(
        ScorecardRevision(scorecard=c, number=1, author_id=c.interviewer_id) for c in cards
    )
    for card, revision in zip(cards, revisions, strict=True):
        card.current_revision = revision
    Scorecard.objects.bulk_update(cards, ["current_revision"])
    return cards
