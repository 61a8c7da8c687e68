"""Every write to the rubric: loading a file, new draft versions, publishing, retiring."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from keeper.errors import Frozen, IllegalMove
from rubric import spec as rubric_spec
from rubric.models import Criterion, FailureMode, Level, Question, Rubric, RubricRound, RubricValue
from rubric.selectors import rubric_to_spec

S = Rubric.Status
# Product §2: a published version is frozen; publishing a newer one retires it.
RUBRIC_MOVES = {S.DRAFT: {S.PUBLISHED}, S.PUBLISHED: {S.RETIRED}, S.RETIRED: set()}


@dataclass(frozen=True)
class LoadResult:
    rubric: Rubric
    outcome: str  # "created", "updated draft", "new draft version", "unchanged"
    published: bool


def rubric_load_file(*, path: Path, publish: bool = False) -> LoadResult:
    """Load a rubric data file. Raises Invalid (naming every bad key) before writing anything."""
    return rubric_load(spec=rubric_spec.read_file(path), publish=publish)


@transaction.atomic
def rubric_load(*, spec: dict[str, Any], publish: bool = False) -> LoadResult:
    """Upsert a rubric from its canonical spec; idempotent.

    Content already held by some version of the slug changes nothing. New content for a
    version that is still a draft replaces that draft; new content for a published or
    retired version becomes a new draft version, never an edit of the frozen one."""
    digest = rubric_spec.content_digest(spec)
    versions = list(Rubric.objects.select_for_update().filter(slug=spec["slug"]).order_by("-version"))
    for existing in versions:
        if rubric_spec.content_digest(rubric_to_spec(existing)) == digest:
            return _maybe_publish(existing, "unchanged", publish)

    same_version = next((v for v in versions if v.version == spec["version"]), None)
    if same_version is None:
        rubric = _rubric_create(spec, version=spec["version"])
        return _maybe_publish(rubric, "created", publish)
    if same_version.status == S.DRAFT:
        _rubric_contents_delete(same_version)
        for field, value in _rubric_fields(spec).items():
            setattr(same_version, field, value)
        same_version.save()
        _rubric_contents_create(same_version, spec)
        return _maybe_publish(same_version, "updated draft", publish)
    next_version = versions[0].version + 1
    rubric = _rubric_create(spec, version=next_version, based_on=same_version)
    return _maybe_publish(rubric, "new draft version", publish)


def _maybe_publish(rubric: Rubric, outcome: str, publish: bool) -> LoadResult:
    if publish and rubric.status == S.DRAFT:
        rubric = rubric_publish(rubric=rubric)
        return LoadResult(rubric, outcome, published=True)
    return LoadResult(rubric, outcome, published=False)


@transaction.atomic
def rubric_new_draft(*, rubric: Rubric) -> Rubric:
    """A full copy of ``rubric`` as the next draft version of its slug (Product §2)."""
    latest = Rubric.objects.filter(slug=rubric.slug).aggregate(latest=Max("version"))["latest"]
    return _rubric_create(rubric_to_spec(rubric), version=latest + 1, based_on=rubric)


@transaction.atomic
def rubric_publish(*, rubric: Rubric) -> Rubric:
    """Freeze a draft and make it the default for new loops; the previously published
    version of the same slug is retired. Raises IllegalMove unless it is a draft."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    _check_move(rubric, S.PUBLISHED)
    now = timezone.now()
    for previous in Rubric.objects.select_for_update().filter(slug=rubric.slug, status=S.PUBLISHED):
        previous.status, previous.retired_at = S.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
    rubric.status, rubric.published_at = S.PUBLISHED, now
    rubric.save(update_fields=["status", "published_at"])
    return rubric


@transaction.atomic
def rubric_retire(*, rubric: Rubric) -> Rubric:
    """Stop offering a published version to new loops; loops already on it keep it."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    _check_move(rubric, S.RETIRED)
    rubric.status, rubric.retired_at = S.RETIRED, timezone.now()
    rubric.save(update_fields=["status", "retired_at"])
    return rubric


@transaction.atomic
def rubric_delete_draft(*, rubric: Rubric) -> None:
    """Remove a draft version and everything in it. Raises Frozen for any other status."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.status != S.DRAFT:
        raise Frozen(f"{rubric} is frozen and cannot be deleted.")
    _rubric_contents_delete(rubric)
    rubric.delete()


def _check_move(rubric: Rubric, target: str) -> None:
    if target not in RUBRIC_MOVES[rubric.status]:
        raise IllegalMove(
            f"A {rubric.get_status_display().lower()} rubric version cannot become {target}.",
            status=rubric.status,
        )


def _rubric_contents_delete(rubric: Rubric) -> None:
    # Questions and interviews point at rounds with PROTECT; remove them in dependency order.
    Criterion.objects.filter(question__rubric=rubric).delete()
    Question.objects.filter(rubric=rubric).delete()
    RubricRound.objects.filter(rubric=rubric, block__isnull=False).delete()
    RubricRound.objects.filter(rubric=rubric).delete()
    for model in (RubricValue, FailureMode, Level):
        model.objects.filter(rubric=rubric).delete()


def _rubric_create(spec: dict[str, Any], *, version: int, based_on: Rubric | None = None) -> Rubric:
    rubric = Rubric.objects.create(
        slug=spec["slug"], version=version, status=S.DRAFT, based_on=based_on, **_rubric_fields(spec)
    )
    _rubric_contents_create(rubric, spec)
    return rubric


def _rubric_fields(spec: dict[str, Any]) -> dict[str, Any]:
    bar = spec["keeper_bar"]
    return dict(
        name=spec["name"],
        description=spec["description"],
        window_min_weeks=spec["window_weeks"]["min"],
        window_max_weeks=spec["window_weeks"]["max"],
        reads_per_value=spec["reads_per_value"],
        bar_strong_mean=bar["strong_mean"],
        bar_meets_mean=bar["meets_mean"],
        bar_min_keeper_yes_share=bar["min_keeper_yes_share"],
        bar_strong_no_blocks=bar["strong_no_blocks"],
        bar_blocking_flag_blocks=bar["blocking_flag_blocks"],
        bar_evidence_required_for_every_value=bar["evidence_required_for_every_value"],
        disagreement_points=bar["disagreement_points"],
        bar_calibrated=bar["calibrated"],
    )


def _rubric_contents_create(rubric: Rubric, spec: dict[str, Any]) -> None:
    values = {
        v["slug"]: RubricValue(
            rubric=rubric,
            order=i,
            slug=v["slug"],
            name=v["name"],
            definition=v["definition"],
            **{f"anchor_{point}": text for point, text in v["anchors"].items()},
        )
        for i, v in enumerate(spec["values"], start=1)
    }
    RubricValue.objects.bulk_create(values.values())

    rounds: dict[str, RubricRound] = {}
    for i, r in enumerate(spec["rounds"], start=1):
        days = r["block_days"] or {}
        rounds[r["slug"]] = RubricRound(
            rubric=rubric,
            order=i,
            slug=r["slug"],
            name=r["name"],
            kind=r["kind"],
            duration_minutes=r["duration_minutes"],
            purpose=r["purpose"],
            is_decision_round=r["decision_round"],
            block_min_days=days.get("min"),
            block_max_days=days.get("max"),
            ratings_due_hours=r["ratings_due_hours"],
            evidence_due_hours=r["evidence_due_hours"],
        )
    RubricRound.objects.bulk_create(rounds.values())
    nested = [rounds[r["slug"]] for r in spec["rounds"] if r["block"]]
    for r in spec["rounds"]:
        if r["block"]:
            rounds[r["slug"]].block = rounds[r["block"]]
    RubricRound.objects.bulk_update(nested, ["block"])
    Focus = RubricRound.values_in_focus.through
    Focus.objects.bulk_create(
        Focus(rubricround=rounds[r["slug"]], rubricvalue=values[slug])
        for r in spec["rounds"]
        for slug in r["values_in_focus"]
    )

    questions = {
        q["number"]: Question(
            rubric=rubric,
            number=q["number"],
            kind=q["kind"],
            round=rounds[q["round"]],
            prompt=q["prompt"],
            why=q["why"],
            guidance=q["guidance"],
        )
        for q in spec["questions"]
    }
    Question.objects.bulk_create(questions.values())
    QuestionValue = Question.values.through
    QuestionValue.objects.bulk_create(
        QuestionValue(question=questions[q["number"]], rubricvalue=values[slug])
        for q in spec["questions"]
        for slug in q["values"]
    )
    Criterion.objects.bulk_create(
        Criterion(question=questions[q["number"]], order=i, text=text)
        for q in spec["questions"]
        for i, text in enumerate(q["criteria"], start=1)
    )
    FailureMode.objects.bulk_create(
        FailureMode(rubric=rubric, order=i, slug=f["slug"], text=f["text"], severity=f["severity"])
        for i, f in enumerate(spec["failure_modes"], start=1)
    )
    Level.objects.bulk_create(Level(rubric=rubric, order=i, **lv) for i, lv in enumerate(spec["levels"], start=1))
