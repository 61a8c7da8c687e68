"""Greenhouse-shaped interchange (Product §8.3): the scorecard export, and reading a Harvest
candidates export for the import (integrations.services.greenhouse_candidates_import).

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

import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
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


# Import ---------------------------------------------------------------------------------------
#
# A Harvest candidates export: the JSON list GET /v1/candidates answers (or one candidate object
# per line, JSON Lines), each with first_name, last_name, email_addresses [{value, type}] and
# applications [{jobs: [{id, name}], status}]. Keeper takes the name, the email addresses (the
# personal one first) and the jobs; a target level may come in a custom field named "level"
# (custom_fields or keyed_custom_fields), else the command's --level.

LEVEL_FIELDS = ("level", "target_level")


@dataclass(frozen=True)
class HarvestCandidate:
    line: int  # where the candidate's object starts in the file
    number: int  # its place in the file, from 1
    name: str
    emails: tuple[str, ...]  # valid addresses, lower-cased, the one Keeper records first
    level: str
    level_given: bool  # the export named the level (else it is the command's default)
    jobs: tuple[tuple[int | None, str], ...]  # (Greenhouse job id, name) of its applications


@dataclass(frozen=True)
class RefusedRow:
    line: int
    number: int
    problems: tuple[str, ...]


class UnreadableFile(ValueError):
    """The file is not JSON (or JSON Lines) at all; the message names the line."""


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def harvest_items(text: str) -> list[tuple[int, object]]:
    """The file's items with the line each starts on: a JSON list, or JSON Lines. Raises
    UnreadableFile naming the line where the JSON breaks (nothing can be read past it)."""
    decoder = json.JSONDecoder()
    text = text.removeprefix("\ufeff")
    at = _skip_space(text, 0)
    if not text.strip():
        return []
    try:
        if text[at] != "[":
            return [
                (number, _line_item(line)) for number, line in enumerate(text.splitlines(), start=1) if line.strip()
            ]
        items, at = [], _skip_space(text, at + 1)
        if text[at : at + 1] == "]":
            at += 1
        else:
            while True:
                item, end = decoder.raw_decode(text, at)
                items.append((text.count("\n", 0, at) + 1, item))
                at = _skip_space(text, end)
                if text[at : at + 1] == ",":
                    at = _skip_space(text, at + 1)
                    continue
                if text[at : at + 1] == "]":
                    at += 1
                    break
                raise json.JSONDecodeError("Expected ',' or ']'", text, at)
        if _skip_space(text, at) != len(text):
            raise json.JSONDecodeError("Extra data after the list", text, at)
        return items
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise UnreadableFile("the JSON is nested too deeply") from None


class BrokenLine(str):
    """A line of a JSON Lines file that is not JSON: that row is refused, the others are read."""


def _line_item(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        return BrokenLine(f"column {error.colno}: {error.msg}")
    except RecursionError:
        return BrokenLine("nested too deeply")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _custom_level(item: dict) -> str | None:
    for name in LEVEL_FIELDS:
        keyed = item.get("keyed_custom_fields")
        if isinstance(keyed, dict) and isinstance(keyed.get(name), dict) and keyed[name].get("value") is not None:
            return str(keyed[name]["value"]).strip()
        plain = item.get("custom_fields")
        if isinstance(plain, dict) and plain.get(name) is not None:
            return str(plain[name]).strip()
    return None


def _emails(item: dict, problems: list[str]) -> tuple[str, ...]:
    entries = item.get("email_addresses")
    if entries is None or entries == []:
        problems.append("no email address (Keeper matches candidates by email)")
        return ()
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append("email_addresses is not a list of {value, type}")
        return ()
    ordered = sorted(entries, key=lambda e: e.get("type") != "personal")  # the personal address first
    emails = []
    for entry in ordered:
        value = _text(entry.get("value"))
        try:
            validate_email(value)
            if len(value) > 254:
                raise ValidationError("too long")
        except ValidationError:
            problems.append(f"bad email {value!r}" if value else "an email address is empty")
            continue
        if value.lower() not in emails:
            emails.append(value.lower())
    return tuple(emails)


def _jobs(item: dict, problems: list[str]) -> tuple[tuple[int | None, str], ...]:
    applications = item.get("applications") or []
    if not isinstance(applications, list):
        problems.append("applications is not a list")
        return ()
    jobs = []
    for application in applications:
        for job in (application.get("jobs") or []) if isinstance(application, dict) else [None]:
            if not isinstance(job, dict) or not _text(job.get("name")) or len(_text(job["name"])) > 200:
                problems.append(f"an application's job has no usable name: {job!r:.80}")
                continue
            job_id = job.get("id") if isinstance(job.get("id"), int) and not isinstance(job.get("id"), bool) else None
            if (job_id, _text(job["name"])) not in jobs:
                jobs.append((job_id, _text(job["name"])))
    return tuple(jobs)


def harvest_candidate_check(
    line: int, number: int, item: object, *, default_level: str, hireable: set[str]
) -> HarvestCandidate | RefusedRow:
    """One exported candidate as Keeper would record it, or every reason it cannot be."""
    if isinstance(item, BrokenLine):
        return RefusedRow(line, number, (f"not JSON ({item})",))
    if not isinstance(item, dict):
        return RefusedRow(line, number, ("not a candidate object",))
    problems: list[str] = []
    name = " ".join(part for part in (_text(item.get("first_name")), _text(item.get("last_name"))) if part)
    if not name:
        problems.append("no name (first_name and last_name are empty)")
    elif len(name) > 200:
        problems.append("the name is longer than 200 characters")
    emails = _emails(item, problems)
    given = _custom_level(item)
    level = given or default_level
    if level not in hireable:
        problems.append(f"level {level!r} is not one the rubric hires at ({', '.join(sorted(hireable))})")
    jobs = _jobs(item, problems)
    if problems:
        return RefusedRow(line, number, tuple(problems))
    return HarvestCandidate(line, number, name, emails, level, bool(given), jobs)
