"""A loop's history, read from the event tables the database fills (keeper/history.py), for
its hiring team (Product §4: the history of every scorecard is kept and readable by the
hiring team). Scorecard content follows the same rule as the scorecards themselves."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from loops import models as loop_models
from loops.models import Loop
from loops.selectors import is_hiring_team
from rubric.selectors import RubricStructure, rubric_structure
from scorecards import models as card_models
from scorecards.selectors import loops_with_summary_for, scorecards_visible_to

User = get_user_model()

# Not shown as changes: identifiers, the bookkeeping of every save, and the decision's frozen
# copy of the summary (read on the summary page, under its own rule).
QUIET_FIELDS = {"id", "updated_at", "summary_snapshot"}
ACTIONS = {"insert": "created", "update": "changed", "delete": "removed"}


@dataclass(frozen=True)
class Source:
    """One event table: what it records and which of its events belong to a loop."""

    key: str
    subject: str
    event_model: type

    def for_loop(self, loop: Loop) -> QuerySet:
        return self.event_model.objects.filter(**_scope(self.key, loop))


def _scope(key: str, loop: Loop) -> dict:
    """Events of a loop's rows, found through the event tables themselves, so rows since removed
    (a draft taken off with its interviewer) keep their history."""
    rounds = loop_models.RoundEvent.objects.filter(loop_id=loop.pk).values("pgh_obj_id")
    assignments = loop_models.AssignmentEvent.objects.filter(round_id__in=rounds).values("pgh_obj_id")
    scorecards = card_models.ScorecardEvent.objects.filter(loop_id=loop.pk).values("pgh_obj_id")
    revisions = card_models.ScorecardRevisionEvent.objects.filter(scorecard_id__in=scorecards).values("pgh_obj_id")
    return {
        "candidate": {"pgh_obj_id": loop.candidate_id},
        "loop": {"pgh_obj_id": loop.pk},
        "round": {"loop_id": loop.pk},
        "assignment": {"round_id__in": rounds},
        "assignment_question": {"assignment_id__in": assignments},
        "assignment_value": {"assignment_id__in": assignments},
        "scorecard": {"loop_id": loop.pk},
        "revision": {"scorecard_id__in": scorecards},
        "value_rating": {"revision_id__in": revisions},
        "criterion_rating": {"revision_id__in": revisions},
        "red_flag": {"revision_id__in": revisions},
        "decision": {"loop_id": loop.pk},
    }[key]


SOURCES = (
    Source("candidate", "Candidate", loop_models.CandidateEvent),
    Source("loop", "Loop", loop_models.LoopEvent),
    Source("round", "Round", loop_models.RoundEvent),
    Source("assignment", "Assignment", loop_models.AssignmentEvent),
    Source("assignment_question", "Question asked", loop_models.AssignmentQuestionEvent),
    Source("assignment_value", "Value in focus", loop_models.AssignmentValueEvent),
    Source("scorecard", "Scorecard", card_models.ScorecardEvent),
    Source("revision", "Scorecard revision", card_models.ScorecardRevisionEvent),
    Source("value_rating", "Value rating", card_models.ValueRatingEvent),
    Source("criterion_rating", "Criterion rating", card_models.CriterionRatingEvent),
    Source("red_flag", "Red flag", card_models.RedFlagEvent),
    Source("decision", "Keeper Test decision", card_models.KeeperDecisionEvent),
)
SCORECARD_CONTENT = {"revision", "value_rating", "criterion_rating", "red_flag"}


def may_read_history(user: AbstractBaseUser, loop: Loop) -> bool:
    """The loop's hiring team: its hiring manager and recruiter, directors, admins."""
    return is_hiring_team(user, loop)


def _snapshot(event, fields: list) -> dict:
    return {f.name: getattr(event, f.attname) for f in fields}


def loop_history(*, loop: Loop, viewer: AbstractBaseUser) -> list[dict]:
    """Every recorded change of the loop, its candidate, rounds, assignments, scorecards and
    decision, latest first, each with what changed, who did it and from where (request URL,
    task or command). The caller checks ``may_read_history``. Of scorecards the viewer reads
    only those ``scorecards_visible_to`` gives (drafts to their author alone), and of a
    colleague's scorecard only what happened from its submission on: the draft it grew from
    stays its author's (Product §4). The decision shows to those who read the summary.
    A fixed number of queries, however long the history."""
    structure = rubric_structure(loop.rubric)
    readable = dict(scorecards_visible_to(viewer).filter(loop=loop).values_list("pk", "interviewer_id"))
    reads_decision = loops_with_summary_for(viewer).filter(pk=loop.pk).exists()

    loaded = {
        source.key: list(source.for_loop(loop).select_related("pgh_context").order_by("pgh_created_at", "pgh_id"))
        for source in SOURCES
    }
    scorecard_of_revision = {e.pgh_obj_id: e.scorecard_id for e in loaded["revision"]}
    sealed_at: dict[int, datetime] = {}
    for event in loaded["scorecard"]:
        if event.status == card_models.Scorecard.Status.SUBMITTED:
            sealed_at.setdefault(event.pgh_obj_id, event.pgh_created_at)

    def scorecard_of(key: str, event) -> int | None:
        if key == "scorecard":
            return event.pgh_obj_id
        if key == "revision":
            return event.scorecard_id
        if key in SCORECARD_CONTENT:
            return scorecard_of_revision.get(event.revision_id)
        return None

    def visible(key: str, event, scorecard: int | None) -> bool:
        if key == "decision":
            return reads_decision
        if key != "scorecard" and key not in SCORECARD_CONTENT:
            return True
        if scorecard not in readable:
            return False
        if readable[scorecard] == viewer.pk:
            return True
        return scorecard in sealed_at and event.pgh_created_at >= sealed_at[scorecard]

    entries = []
    for source in SOURCES:
        fields = [f for f in source.event_model._meta.fields if not f.name.startswith("pgh_")]
        before: dict[int, dict] = {}
        for event in loaded[source.key]:
            now = _snapshot(event, fields)
            previous = before.get(event.pgh_obj_id, {})
            before[event.pgh_obj_id] = now
            scorecard = scorecard_of(source.key, event)
            if not visible(source.key, event, scorecard):
                continue
            entries.append(
                {
                    "at": event.pgh_created_at,
                    "subject": source.subject,
                    "kind": source.key,
                    "object": event.pgh_obj_id,
                    "action": ACTIONS.get(event.pgh_label, event.pgh_label),
                    "scorecard": scorecard,
                    "changes": _changes(event.pgh_label, previous, now),
                    "_order": (event.pgh_created_at, event.pgh_id),
                    "_event": event,
                    "_snapshot": now,
                    **_context(event),
                }
            )
    names = _user_names(entries)
    for entry in entries:
        entry["describes"] = _describe(entry["kind"], entry.pop("_snapshot"), structure, names)
        entry["actor_name"] = names.get(entry["actor"])
        entry.pop("_event")
    entries.sort(key=lambda e: e.pop("_order"), reverse=True)
    return entries


def _changes(label: str, previous: dict, now: dict) -> list[dict]:
    """What the event changed: every value on creation, the differences on an update."""
    if label == "delete":
        return []
    return [
        {"field": name, "from": previous.get(name), "to": value}
        for name, value in now.items()
        if name not in QUIET_FIELDS
        and (previous.get(name) != value if label == "update" else value not in (None, "", {}, []))
    ]


def _context(event) -> dict:
    """Who and where from, as pghistory's context recorded it (keeper/history.py)."""
    metadata = event.pgh_context.metadata if event.pgh_context_id else {}
    source = {key: metadata[key] for key in ("url", "task", "command") if metadata.get(key)}
    return {"actor": metadata.get("user"), "source": source}


def _user_names(entries: list[dict]) -> dict[int, str]:
    """Names of the actors and of the people the events mention, in one query."""
    ids = {e["actor"] for e in entries if e["actor"]}
    for entry in entries:
        snapshot = entry["_snapshot"]
        ids.update(v for k, v in snapshot.items() if k in ("interviewer", "author", "by") and v)
    return {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=ids)}


def _describe(key: str, row: dict, structure: RubricStructure, names: dict[int, str]) -> str:
    """Which one: the value, the round, the interviewer's card, the red flag."""
    if key == "round":
        info = structure.rounds_by_id.get(row["rubric_round"])
        return info.name if info else ""
    if key in ("assignment", "scorecard"):
        return names.get(row["interviewer"], "")
    if key == "assignment_question":
        question = structure.questions_by_id.get(row["question"])
        return f"Q{question.number}" if question else ""
    if key in ("assignment_value", "value_rating"):
        value = structure.values_by_id.get(row["rubricvalue" if key == "assignment_value" else "value"])
        return value.name if value else ""
    if key == "revision":
        return f"revision {row['number']}"
    if key == "criterion_rating":
        number = structure.question_number_by_criterion.get(row["criterion"])
        return f"criterion {row['criterion']} of Q{number}" if number else f"criterion {row['criterion']}"
    if key == "red_flag":
        mode = structure.failure_modes_by_id.get(row["failure_mode"])
        return mode.text if mode else ""
    return ""
