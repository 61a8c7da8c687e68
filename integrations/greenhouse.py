"""Greenhouse-shaped interchange (Product §8.3).

Export: a Keeper scorecard as Greenhouse Harvest's scorecard object (GET /v1/scorecards), the
shape written down in integrations/schemas/greenhouse-harvest-scorecard.schema.json:

- a Keeper loop is the candidate's application (``application_id``), a round the interview step;
- each value rating is an attribute of type "Personality Traits" and each criterion rating one
  of type "Skills", rated 1 → definitely_not, 2 → no, 3 → yes, 4 → strong_yes, and "not
  assessed" → no_decision (Harvest's word for an attribute left unrated); the evidence or the
  criterion's notes are the attribute's note;
- ``ratings`` lists the attribute names by rating, as Harvest does ("mixed" stays empty: the
  4-point scale has no middle);
- ``questions`` are the questions asked, each answered with the interviewer's rating and notes
  on its criteria, then the Keeper signal, the red flags (when any) and the written summary
  ("Key Take-Aways", Harvest's own name for it); an answer with nothing in it is "";
- the recommendation maps strong_no → definitely_not, no → no, yes → yes, strong_yes → strong_yes.

Only submitted cards are exported, and only those the caller may read (scorecards_visible_to).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from loops.models import Loop
from rubric.selectors import RubricStructure, rubric_structure
from scorecards.models import CriterionRating, Recommendation, Scorecard
from scorecards.selectors import scorecards_visible_to

RATING = {1: "definitely_not", 2: "no", 3: "yes", 4: "strong_yes", None: "no_decision"}
RECOMMENDATION = {
    Recommendation.STRONG_NO: "definitely_not",
    Recommendation.NO: "no",
    Recommendation.YES: "yes",
    Recommendation.STRONG_YES: "strong_yes",
}
VALUE_TYPE = "Personality Traits"
CRITERION_TYPE = "Skills"
BUCKETS = ("definitely_not", "no", "mixed", "yes", "strong_yes")
RATING_WORDS = {1: "strong no", 2: "no", 3: "yes", 4: "strong yes"}


def harvest_scorecards_of(*, loop: Loop, reader: AbstractBaseUser | None) -> QuerySet[Scorecard]:
    """The loop's submitted scorecards that ``reader`` may read (all of them for None, an
    operator's command), in round order, with everything the export reads."""
    cards = Scorecard.objects.all() if reader is None else scorecards_visible_to(reader)
    return (
        cards.submitted()
        .filter(loop=loop)
        .select_related("current_revision", "round", "interviewer", "loop__rubric", "assignment")
        .prefetch_related(
            "assignment__questions",
            "current_revision__value_ratings",
            Prefetch("current_revision__criterion_ratings", CriterionRating.objects.select_related("criterion")),
            "current_revision__red_flags",
        )
        .order_by("round__order", "pk")
    )


def _user(user) -> dict:
    return {
        "id": user.pk,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name": user.get_full_name() or user.username,
        "employee_id": None,
    }


def _note(text: str) -> str | None:
    return text.strip() or None


def harvest_scorecard(card: Scorecard, structure: RubricStructure) -> dict:
    """One submitted scorecard as a Harvest scorecard object (datetimes as datetimes; the
    serializer writes them)."""
    revision = card.current_revision
    step = structure.rounds_by_id[card.round.rubric_round_id]
    value_order = structure.value_order
    attributes = [
        {
            "name": structure.values_by_id[r.value_id].name,
            "type": VALUE_TYPE,
            "note": _note(r.evidence),
            "rating": RATING[r.rating],
        }
        for r in sorted(revision.value_ratings.all(), key=lambda r: value_order[r.value_id])
    ]
    criterion_order = structure.criterion_order
    criterion_ratings = sorted(revision.criterion_ratings.all(), key=lambda r: criterion_order[r.criterion_id])
    attributes += [
        {"name": r.criterion.text, "type": CRITERION_TYPE, "note": _note(r.notes), "rating": RATING[r.rating]}
        for r in criterion_ratings
    ]
    ratings = {bucket: [a["name"] for a in attributes if a["rating"] == bucket] for bucket in BUCKETS}

    notes_by_question: dict[int, list[str]] = {}
    for r in criterion_ratings:
        words = [RATING_WORDS[r.rating]] if r.rating else []
        words += [r.notes.strip()] if r.notes.strip() else []
        if words:
            notes_by_question.setdefault(r.criterion.question_id, []).append(f"{r.criterion.text}: {' — '.join(words)}")
    questions = [
        {"id": q.pk, "question": q.prompt, "answer": "\n".join(notes_by_question.get(q.pk, []))}
        for q in sorted(card.assignment.questions.all(), key=lambda q: q.number)
    ]
    questions.append(
        {
            "id": None,
            "question": "Would you fight to keep this person?",
            "answer": {"yes": "Yes", "no": "No"}.get(revision.keeper, ""),
        }
    )
    flags = sorted(revision.red_flags.all(), key=lambda f: structure.failure_mode_order[f.failure_mode_id])
    if flags:
        lines = []
        for flag in flags:
            mode = structure.failure_modes_by_id[flag.failure_mode_id]
            line = f"{mode.severity.capitalize()}: {mode.text}"
            lines.append(f"{line} — {flag.note.strip()}" if flag.note.strip() else line)
        questions.append({"id": None, "question": "Red flags", "answer": "\n".join(lines)})
    questions.append({"id": None, "question": "Key Take-Aways", "answer": revision.summary.strip()})

    interviewer = _user(card.interviewer)
    return {
        "id": card.pk,
        "updated_at": card.updated_at,
        "created_at": card.created_at,
        "interview": step.name,
        "interview_step": {"id": card.round_id, "name": step.name},
        "candidate_id": card.loop.candidate_id,
        "application_id": card.loop_id,
        "interviewed_at": card.round.scheduled_start,
        "submitted_by": interviewer,
        "interviewer": interviewer,
        "submitted_at": card.submitted_at,
        "overall_recommendation": RECOMMENDATION.get(revision.recommendation, "no_decision"),
        "attributes": attributes,
        "ratings": ratings,
        "questions": questions,
    }


def harvest_export(*, loop: Loop, reader: AbstractBaseUser | None) -> tuple[list[Scorecard], list[dict]]:
    """The cards exported and their Harvest shapes."""
    cards = list(harvest_scorecards_of(loop=loop, reader=reader))
    structure = rubric_structure(loop.rubric)
    return cards, [harvest_scorecard(card, structure) for card in cards]
