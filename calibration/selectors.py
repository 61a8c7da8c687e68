"""Reads for calibration (Product §8.1): who may read it, and the ratings it is computed from.
Calibration only reads scorecards; it never writes them."""

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Sum

from accounts.roles import Role, has_role, is_admin
from calibration.models import Calibration
from calibration.report import CalibrationInput, CriterionDef, QuestionDef, ValueDef
from loops.models import Assignment
from rubric.models import Criterion, Rubric
from rubric.selectors import rubric_structure
from scorecards.models import CriterionRating, Scorecard, ValueRating

User = get_user_model()
SUBMITTED = Scorecard.Status.SUBMITTED


def calibration_readable_by(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Product §8.1: directors and admins. Interviewers never read a colleague's leniency."""
    return user.is_authenticated and (is_admin(user) or has_role(user, Role.DIRECTOR))


def calibration_get(rubric: Rubric) -> Calibration | None:
    return Calibration.objects.filter(rubric=rubric).first()


def _submitted_cards(rubric_id: int):
    return Scorecard.objects.filter(status=SUBMITTED, loop__rubric_id=rubric_id)


def submitted_sources() -> dict[int, str]:
    """Per rubric version with a submitted scorecard: how many there are and the sum of their
    versions, in one query. Every submit adds a card and every amendment raises a version, so
    any change of what calibration reads changes this."""
    rows = (
        Scorecard.objects.filter(status=SUBMITTED)
        .values("loop__rubric_id")
        .annotate(cards=Count("id"), versions=Sum("version"))
        .values_list("loop__rubric_id", "cards", "versions")
    )
    return {rubric_id: f"{cards}:{versions}" for rubric_id, cards, versions in rows}


def submitted_source(rubric_id: int) -> str:
    found = _submitted_cards(rubric_id).aggregate(cards=Count("id"), versions=Sum("version"))
    return f"{found['cards']}:{found['versions'] or 0}" if found["cards"] else ""


def _names(user_ids) -> dict[int, str]:
    return {
        pk: (f"{first} {last}".strip() or username)
        for pk, first, last, username in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


def _questions(rubric: Rubric) -> tuple[QuestionDef, ...]:
    texts: dict[int, list[CriterionDef]] = {}
    for criterion in Criterion.objects.filter(question__rubric=rubric).order_by("question__number", "order"):
        texts.setdefault(criterion.question_id, []).append(CriterionDef(criterion.pk, criterion.text))
    return tuple(
        QuestionDef(q.number, q.prompt, tuple(texts.get(q.id, ())))
        for q in sorted(rubric_structure(rubric).questions, key=lambda q: q.number)
    )


def calibration_empty_input(rubric: Rubric) -> CalibrationInput:
    """The rubric version with no ratings: the report's shape before anything is computed."""
    return CalibrationInput(
        rubric=rubric.pk,
        reads_per_value=rubric.reads_per_value,
        values=tuple(ValueDef(v.slug, v.name) for v in rubric_structure(rubric).values),
        questions=_questions(rubric),
        interviewer_names={},
        loops=0,
        scorecards=0,
        overuse_share=settings.CALIBRATION_OVERUSE_PERCENT / 100,
    )


def calibration_input(rubric: Rubric) -> CalibrationInput:
    """Every rating of the rubric version's submitted scorecards at their current revision
    (Product §4: an amendment replaces what the card says), as plain arrays. Four queries
    joined through the scorecards, however many there are."""
    structure = rubric_structure(rubric)
    value_index = {v.id: i for i, v in enumerate(structure.values)}
    current = {
        "revision__scorecard__status": SUBMITTED,
        "revision__scorecard__loop__rubric": rubric,
        "revision__scorecard__current_revision": F("revision"),
    }
    value_rows = list(
        ValueRating.objects.filter(**current, rating__isnull=False).values_list(
            "revision__scorecard_id",
            "revision__scorecard__loop_id",
            "revision__scorecard__interviewer_id",
            "value_id",
            "rating",
            "revision__scorecard__round__order",
        )
    )
    ratings = np.array(value_rows, dtype=np.int64).reshape(-1, 6)
    criterion_rows = list(
        CriterionRating.objects.filter(**current, rating__isnull=False).values_list(
            "revision__scorecard_id", "criterion_id", "rating"
        )
    )
    criteria = np.array(criterion_rows, dtype=np.int64).reshape(-1, 3)
    asked_rows = list(
        Assignment.questions.through.objects.filter(
            assignment__scorecard__status=SUBMITTED, assignment__round__loop__rubric=rubric
        ).values_list("assignment__scorecard", "assignment__round__loop_id", "question__number")
    )
    asked = np.array(asked_rows, dtype=np.int64).reshape(-1, 3)
    cards = list(
        _submitted_cards(rubric.pk)
        .values("interviewer_id")
        .annotate(cards=Count("id"))
        .values_list("interviewer_id", "cards")
    )
    return CalibrationInput(
        rubric=rubric.pk,
        reads_per_value=rubric.reads_per_value,
        values=tuple(ValueDef(v.slug, v.name) for v in structure.values),
        questions=_questions(rubric),
        interviewer_names=_names({pk for pk, _ in cards}),
        loops=_submitted_cards(rubric.pk).values("loop_id").distinct().count(),
        scorecards=sum(count for _, count in cards),
        cards_by_interviewer=dict(cards),
        card=ratings[:, 0],
        loop=ratings[:, 1],
        interviewer=ratings[:, 2],
        value=np.array([value_index[v] for v in ratings[:, 3].tolist()], dtype=np.int64),
        rating=ratings[:, 4],
        order=ratings[:, 5],
        criterion_card=criteria[:, 0],
        criterion=criteria[:, 1],
        criterion_rating=criteria[:, 2],
        asked_card=asked[:, 0],
        asked_loop=asked[:, 1],
        asked_question=asked[:, 2],
        overuse_share=settings.CALIBRATION_OVERUSE_PERCENT / 100,
    )


def rater_leniencies(rubric_id: int) -> dict[int, float]:
    """Each interviewer's shrunk leniency on the rubric version, from the stored calibration."""
    stored = Calibration.objects.filter(rubric_id=rubric_id).first()
    data = stored.data if stored is not None else {}
    return {row["interviewer"]: row["leniency"]["shrunk"] for row in data.get("interviewers", [])}


def leniency_for_summary(rubric_id: int, reader=None) -> dict[int, float] | None:
    """The Keeper summary's provider (scorecards.calibration_hook): the raters' shrunk leniency,
    or None for a reader who does not read calibration."""
    if reader is not None and not calibration_readable_by(reader):
        return None
    return rater_leniencies(rubric_id)


def own_leniency(user: AbstractBaseUser) -> list[dict]:
    """The caller's own leniency on every rubric version they have been calibrated on, and
    nobody else's (Product §8.1): for their own page."""
    rows = []
    for calibration in Calibration.objects.exclude(computed_at=None).select_related("rubric").order_by("-rubric_id"):
        if f'"interviewer":{user.pk},' not in calibration.text:
            continue
        mine = next((r for r in calibration.data.get("interviewers", []) if r["interviewer"] == user.pk), None)
        if mine is not None:
            rows.append({"rubric": calibration.rubric, "computed_at": calibration.computed_at, "row": mine})
    return rows
