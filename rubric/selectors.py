"""Reads of the rubric that carry rules."""

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import is_admin
from keeper.errors import Invalid
from rubric.models import Rubric


def rubrics_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Rubric]:
    """Published and retired versions to everyone signed in; drafts to admins only."""
    if not user.is_authenticated:
        return Rubric.objects.none()
    if is_admin(user):
        return Rubric.objects.all()
    return Rubric.objects.readable()


def rubric_default(slug: str | None = None) -> Rubric:
    """The published version new loops get (Product §2). Raises Invalid when none is published."""
    published = Rubric.objects.published().order_by("-published_at", "-pk")
    if slug:
        published = published.filter(slug=slug)
    rubric = published.first()
    if rubric is None:
        raise Invalid("No rubric is published yet.", errors={"rubric": ["No rubric is published yet."]})
    return rubric


def rubric_to_spec(rubric: Rubric) -> dict[str, Any]:
    """The rubric in the canonical form of ``rubric.spec`` (the data-file shape)."""
    rubric = Rubric.objects.with_contents().get(pk=rubric.pk)
    return {
        "slug": rubric.slug,
        "name": rubric.name,
        "version": rubric.version,
        "description": rubric.description,
        "window_weeks": {"min": rubric.window_min_weeks, "max": rubric.window_max_weeks},
        "reads_per_value": rubric.reads_per_value,
        "keeper_bar": {
            **rubric.keeper_bar,
            "strong_mean": str(rubric.bar_strong_mean),
            "meets_mean": str(rubric.bar_meets_mean),
            "min_keeper_yes_share": str(rubric.bar_min_keeper_yes_share),
        },
        "values": [
            {"slug": v.slug, "name": v.name, "definition": v.definition, "anchors": v.anchors}
            for v in rubric.values.all()
        ],
        "rounds": [
            {
                "slug": r.slug,
                "name": r.name,
                "kind": r.kind,
                "duration_minutes": r.duration_minutes,
                "purpose": r.purpose,
                "block": r.block.slug if r.block else None,
                "block_days": {"min": r.block_min_days, "max": r.block_max_days} if r.is_block else None,
                "values_in_focus": [v.slug for v in sorted(r.values_in_focus.all(), key=lambda v: v.order)],
                "decision_round": r.is_decision_round,
                "ratings_due_hours": r.ratings_due_hours,
                "evidence_due_hours": r.evidence_due_hours,
            }
            for r in rubric.rounds.all()
        ],
        "questions": [
            {
                "number": q.number,
                "kind": q.kind,
                "round": q.round.slug,
                "prompt": q.prompt,
                "why": q.why,
                "guidance": q.guidance,
                "values": [v.slug for v in sorted(q.values.all(), key=lambda v: v.order)],
                "criteria": [c.text for c in q.criteria.all()],
            }
            for q in rubric.questions.all()
        ],
        "failure_modes": [{"slug": f.slug, "text": f.text, "severity": f.severity} for f in rubric.failure_modes.all()],
        "levels": [
            {
                "slug": lv.slug,
                "title": lv.title,
                "comp_min": lv.comp_min,
                "comp_max": lv.comp_max,
                "comp_label": lv.comp_label,
                "hireable": lv.hireable,
            }
            for lv in rubric.levels.all()
        ],
    }


@dataclass(frozen=True)
class ValueInfo:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    number: int
    round_id: int
    prompt: str
    value_slugs: tuple[str, ...]
    criterion_ids: tuple[int, ...]


@dataclass(frozen=True)
class RoundInfo:
    id: int
    order: int
    slug: str
    name: str
    kind: str
    block_id: int | None
    duration_minutes: int | None
    block_max_days: int | None
    is_decision_round: bool
    value_slugs: tuple[str, ...]
    question_ids: tuple[int, ...]
    ratings_due_hours: int | None
    evidence_due_hours: int | None


@dataclass(frozen=True)
class FailureModeInfo:
    id: int
    slug: str
    text: str
    severity: str


@dataclass(frozen=True)
class RubricStructure:
    """The parts of a rubric version that loops and scorecards compute with."""

    rubric_id: int
    reads_per_value: int
    values: tuple[ValueInfo, ...]
    rounds: tuple[RoundInfo, ...]
    questions: tuple[QuestionInfo, ...]
    failure_modes: tuple[FailureModeInfo, ...] = ()

    @cached_property
    def failure_modes_by_id(self) -> dict[int, FailureModeInfo]:
        return {f.id: f for f in self.failure_modes}

    @cached_property
    def criterion_order(self) -> dict[int, int]:
        """A criterion's place in the order rows are read back: by question number, then as the question lists them."""
        ordered = sorted(self.questions, key=lambda q: q.number)
        return {criterion: i for i, criterion in enumerate(c for q in ordered for c in q.criterion_ids)}

    @cached_property
    def failure_mode_order(self) -> dict[int, int]:
        return {f.id: i for i, f in enumerate(self.failure_modes)}

    @cached_property
    def value_order(self) -> dict[int, int]:
        return {v.id: i for i, v in enumerate(self.values)}

    @cached_property
    def question_number_by_criterion(self) -> dict[int, int]:
        return {criterion: q.number for q in self.questions for criterion in q.criterion_ids}

    @cached_property
    def values_by_slug(self) -> dict[str, ValueInfo]:
        return {v.slug: v for v in self.values}

    @cached_property
    def values_by_id(self) -> dict[int, ValueInfo]:
        return {v.id: v for v in self.values}

    @cached_property
    def rounds_by_id(self) -> dict[int, RoundInfo]:
        return {r.id: r for r in self.rounds}

    @cached_property
    def questions_by_number(self) -> dict[int, QuestionInfo]:
        return {q.number: q for q in self.questions}

    @cached_property
    def questions_by_id(self) -> dict[int, QuestionInfo]:
        return {q.id: q for q in self.questions}


def rubric_structure(rubric: Rubric) -> RubricStructure:
    """The structure of ``rubric``. Frozen versions never change (Product §2), so theirs
    is kept in memory; the key carries ``published_at`` so a reused id never hits a stale entry."""
    if rubric.status == Rubric.Status.DRAFT:
        return _structure_from_db(rubric.pk)
    return _frozen_structure(rubric.pk, rubric.published_at)


@lru_cache(maxsize=64)
def _frozen_structure(rubric_id: int, published_at) -> RubricStructure:
    return _structure_from_db(rubric_id)


def _structure_from_db(rubric_id: int) -> RubricStructure:
    rubric = Rubric.objects.with_contents().get(pk=rubric_id)
    return RubricStructure(
        rubric_id=rubric.pk,
        reads_per_value=rubric.reads_per_value,
        values=tuple(ValueInfo(v.pk, v.slug, v.name) for v in rubric.values.all()),
        rounds=tuple(
            RoundInfo(
                id=r.pk,
                order=r.order,
                slug=r.slug,
                name=r.name,
                kind=r.kind,
                block_id=r.block_id,
                duration_minutes=r.duration_minutes,
                block_max_days=r.block_max_days,
                is_decision_round=r.is_decision_round,
                value_slugs=tuple(v.slug for v in sorted(r.values_in_focus.all(), key=lambda v: v.order)),
                question_ids=tuple(q.pk for q in sorted(r.questions.all(), key=lambda q: q.number)),
                ratings_due_hours=r.ratings_due_hours,
                evidence_due_hours=r.evidence_due_hours,
            )
            for r in rubric.rounds.all()
        ),
        questions=tuple(
            QuestionInfo(
                id=q.pk,
                number=q.number,
                round_id=q.round_id,
                prompt=q.prompt,
                value_slugs=tuple(v.slug for v in sorted(q.values.all(), key=lambda v: v.order)),
                criterion_ids=tuple(c.pk for c in q.criteria.all()),
            )
            for q in rubric.questions.all()
        ),
        failure_modes=tuple(FailureModeInfo(f.pk, f.slug, f.text, f.severity) for f in rubric.failure_modes.all()),
    )
