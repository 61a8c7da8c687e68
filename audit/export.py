"""Everything Keeper holds about one candidate, as plain JSON-ready data (issue #11: data
export on request, ``manage.py export_candidate``). Drafts included: they are data about the
candidate too. Reads only."""

import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from audit.models import Erasure
from audit.services import candidate_rows, event_model
from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent
from scorecards.models import (
    CriterionRating,
    KeeperDecision,
    KeeperSummary,
    RedFlag,
    Scorecard,
    ScorecardRevision,
    ValueRating,
)

FORMAT = "keeper-candidate-export/1"


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.get_full_name()}


def candidate_export(candidate: Candidate) -> dict:
    """The candidate, their loops with rounds, assignments, scorecards (every revision with its
    ratings, criterion ratings and red flags), the stored summaries, decisions, timelines, the
    history events of all of it, and the erasure record if there is one."""
    rows = candidate_rows(candidate.pk)
    loops = (
        Loop.objects.filter(candidate=candidate)
        .select_related("rubric", "hiring_manager", "recruiter")
        .order_by("started_on", "pk")
    )
    rounds = defaultdict(list)
    for round_ in Round.objects.filter(loop__candidate=candidate).select_related("rubric_round").order_by("order"):
        rounds[round_.loop_id].append(round_)
    assignments = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(round__loop__candidate=candidate)
        .select_related("interviewer")
        .prefetch_related("questions", "values_in_focus")
        .order_by("pk")
    ):
        assignments[assignment.round_id].append(assignment)
    cards = {
        card.assignment_id: card
        for card in Scorecard.objects.filter(loop__candidate=candidate).select_related("current_revision")
    }
    revisions = defaultdict(list)
    for revision in (
        ScorecardRevision.objects.filter(scorecard__loop__candidate=candidate)
        .select_related("author")
        .prefetch_related(
            _rows(ValueRating, "value_ratings", "value"),
            _rows(CriterionRating, "criterion_ratings", "criterion"),
            _rows(RedFlag, "red_flags", "failure_mode"),
        )
        .order_by("number")
    ):
        revisions[revision.scorecard_id].append(revision)
    summaries = {s.loop_id: s for s in KeeperSummary.objects.filter(loop__candidate=candidate)}
    decisions = {d.loop_id: d for d in KeeperDecision.objects.filter(loop__candidate=candidate).select_related("by")}
    timelines = defaultdict(list)
    for event in TimelineEvent.objects.filter(loop__candidate=candidate).select_related("actor").order_by("at", "pk"):
        timelines[event.loop_id].append(event)
    erasure = Erasure.objects.filter(candidate=candidate).first()

    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "candidate": {
            "id": candidate.pk,
            "name": candidate.name,
            "email": candidate.email,
            "level": candidate.level,
            "created_at": candidate.created_at,
            "anonymized_at": candidate.anonymized_at,
        },
        "loops": [
            {
                "id": loop.pk,
                "status": loop.status,
                "rubric": {"id": loop.rubric_id, "name": loop.rubric.name, "version": loop.rubric.version},
                "hiring_manager": _person(loop.hiring_manager),
                "recruiter": _person(loop.recruiter),
                "started_on": loop.started_on,
                "due_by": loop.due_by,
                "closed_on": loop.closed_on,
                "rounds": [_round(r, assignments[r.pk], cards, revisions) for r in rounds[loop.pk]],
                "keeper_summary": summaries[loop.pk].data if loop.pk in summaries else None,
                "decision": _decision(decisions.get(loop.pk)),
                "timeline": [
                    {"at": e.at, "actor": _person(e.actor), "kind": e.kind, "detail": e.detail, "data": e.data}
                    for e in timelines[loop.pk]
                ],
            }
            for loop in loops
        ],
        "history": _history(rows),
        "erasure": None
        if erasure is None
        else {"kind": erasure.kind, "reason": erasure.reason, "at": erasure.at, "via": erasure.via},
    }


def candidate_export_json(candidate: Candidate) -> str:
    return json.dumps(candidate_export(candidate), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _rows(model, name: str, related: str) -> Prefetch:
    return Prefetch(name, queryset=model.objects.select_related(related))


def _round(round_: Round, assignments: list, cards: dict, revisions: dict) -> dict:
    return {
        "id": round_.pk,
        "step": round_.rubric_round.slug,
        "name": round_.rubric_round.name,
        "status": round_.status,
        "outcome": round_.outcome,
        "scheduled_start": round_.scheduled_start,
        "scheduled_end": round_.scheduled_end,
        "completed_at": round_.completed_at,
        "assignments": [
            {
                "id": a.pk,
                "interviewer": _person(a.interviewer),
                "questions": sorted(q.number for q in a.questions.all()),
                "values_in_focus": [v.slug for v in sorted(a.values_in_focus.all(), key=lambda v: v.order)],
                "notes": a.notes,
                "scorecard": _scorecard(cards.get(a.pk), revisions),
            }
            for a in assignments
        ],
    }


def _scorecard(card: Scorecard | None, revisions: dict) -> dict | None:
    if card is None:
        return None
    return {
        "id": card.pk,
        "status": card.status,
        "submitted_at": card.submitted_at,
        "current_revision": card.current_revision.number if card.current_revision else None,
        "revisions": [
            {
                "number": r.number,
                "kind": r.kind,
                "author": _person(r.author),
                "created_at": r.created_at,
                "reason": r.reason,
                "is_after_exposure": r.is_after_exposure,
                "recommendation": r.recommendation,
                "keeper": r.keeper,
                "summary": r.summary,
                "value_ratings": [
                    {"value": v.value.slug, "rating": v.rating, "evidence": v.evidence, "pending": v.pending}
                    for v in r.value_ratings.all()
                ],
                "criterion_ratings": [
                    {
                        "criterion": c.criterion_id,
                        "criterion_text": c.criterion.text,
                        "rating": c.rating,
                        "notes": c.notes,
                    }
                    for c in r.criterion_ratings.all()
                ],
                "red_flags": [
                    {"failure_mode": f.failure_mode.slug, "text": f.failure_mode.text, "note": f.note}
                    for f in r.red_flags.all()
                ],
            }
            for r in revisions[card.pk]
        ],
    }


def _decision(decision: KeeperDecision | None) -> dict | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "rationale": decision.rationale,
        "answers": decision.answers,
        "by": _person(decision.by),
        "at": decision.at,
        "summary_snapshot": decision.summary_snapshot,
    }


HISTORY_TABLES = (
    (Candidate, "pgh_obj_id__in", "candidate"),
    (Loop, "pgh_obj_id__in", "loops"),
    (Round, "pgh_obj_id__in", "rounds"),
    (Assignment, "pgh_obj_id__in", "assignments"),
    (Scorecard, "pgh_obj_id__in", "scorecards"),
    (ScorecardRevision, "pgh_obj_id__in", "revisions"),
    (ValueRating, "revision_id__in", "revisions"),
    (CriterionRating, "revision_id__in", "revisions"),
    (RedFlag, "revision_id__in", "revisions"),
    (KeeperDecision, "loop_id__in", "loops"),
)


def _history(rows) -> list[dict]:
    """Every history event of the candidate's rows, oldest first, with its context."""
    events = []
    for model, lookup, ids in HISTORY_TABLES:
        wanted = {rows.candidate} if ids == "candidate" else getattr(rows, ids)
        events_model = event_model(model)
        fields = [f for f in events_model._meta.fields if not f.name.startswith("pgh_")]
        for event in events_model.objects.filter(**{lookup: wanted}).select_related("pgh_context"):
            events.append(
                {
                    "table": model._meta.label_lower,
                    "event": event.pgh_label,
                    "at": event.pgh_created_at,
                    "object": event.pgh_obj_id,
                    "context": event.pgh_context.metadata if event.pgh_context_id else None,
                    "row": {f.name: getattr(event, f.attname) for f in fields},
                }
            )
    return sorted(events, key=lambda e: (e["at"], e["table"]))
