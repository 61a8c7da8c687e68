"""Writes of calibration (Product §8.1): recomputing and storing a rubric version's report,
claiming the right to enqueue a recompute (the debounce), and writing a simulation through the
loops' and scorecards' own services. Calibration never writes a scorecard any other way."""

import json
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.services import user_upsert
from calibration.models import Calibration
from calibration.report import calibration_compute
from calibration.selectors import calibration_input, submitted_source, submitted_sources
from calibration.simulation import Plan, QuestionPlan, RoundPlan, SimCard, SimLoop
from loops.models import Loop
from loops.services import candidate_create, loop_open, round_schedule
from rubric.models import Rubric
from rubric.selectors import rubric_structure
from scorecards.services import (
    CriterionRatingIn,
    ScorecardContent,
    ValueRatingIn,
    interviewer_assign,
    scorecard_save_draft,
    scorecard_submit,
)
from scorecards.summary_store import summaries_mark_stale

# The sweep runs every minute; a claim holds 55 s, so a sweep that starts a little early next
# minute is not turned away, and no rubric version is recomputed twice in one minute.
DEBOUNCE = timedelta(seconds=55)


def _row(rubric_id: int) -> Calibration:
    try:
        with transaction.atomic():
            return Calibration.objects.get_or_create(rubric_id=rubric_id)[0]
    except IntegrityError:  # made meanwhile by another worker
        return Calibration.objects.get(rubric_id=rubric_id)


def calibration_recompute(*, rubric_id: int) -> Calibration:
    """Compute the rubric version's report from its submitted scorecards and store it. The state
    of the scorecards is read before their ratings, so a submit that lands in between is seen
    as a change by the next sweep, never lost. A report computed from an older read never
    overwrites a newer one. Idempotent: unchanged scorecards give the same report."""
    rubric = Rubric.objects.get(pk=rubric_id)
    started = timezone.now()
    source = submitted_source(rubric_id)
    text = json.dumps(calibration_compute(calibration_input(rubric)), separators=(",", ":"))
    _row(rubric_id)
    stored = Calibration.objects.filter(
        Q(computed_at__isnull=True) | Q(computed_at__lte=started), rubric_id=rubric_id
    ).update(text=text, computed_at=started, source=source)
    if stored and rubric.bar_calibrated:
        summaries_mark_stale(rubric_id=rubric_id)  # their verdicts read the calibrated means
    return Calibration.objects.get(rubric_id=rubric_id)


def calibration_claim(*, rubric_id: int, now: datetime) -> bool:
    """Claim the next recompute of the rubric version: True at most once a minute (the
    debounce), by a conditional update, whoever asks at once."""
    _row(rubric_id)
    return bool(
        Calibration.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - DEBOUNCE), rubric_id=rubric_id
        ).update(claimed_at=now)
    )


def calibrations_due(*, now: datetime) -> list[int]:
    """The rubric versions whose submitted scorecards changed since their report was computed,
    each claimed for a recompute (at most once a minute each). One query finds them."""
    sources = submitted_sources()
    stored = dict(Calibration.objects.filter(rubric_id__in=sources).values_list("rubric_id", "source"))
    changed = [rubric_id for rubric_id, source in sorted(sources.items()) if stored.get(rubric_id) != source]
    return [rubric_id for rubric_id in changed if calibration_claim(rubric_id=rubric_id, now=now)]


def calibrations_all() -> list[int]:
    """Every rubric version with a submitted scorecard: the nightly recompute."""
    return sorted(submitted_sources())


# Simulation (Product §8.1, manage.py simulate_loops) ------------------------------------------


def rubric_round_plans(rubric: Rubric) -> list[RoundPlan]:
    """The rubric's interview rounds as the simulation plans them: values in focus, questions
    and their criteria."""
    structure = rubric_structure(rubric)
    questions = {q.id: q for q in structure.questions}
    return [
        RoundPlan(
            slug=info.slug,
            values=info.value_slugs,
            questions=tuple(QuestionPlan(questions[q].number, questions[q].criterion_ids) for q in info.question_ids),
            is_decision=info.is_decision_round,
        )
        for info in structure.rounds
        if info.kind == "interview" and info.value_slugs
    ]


def _schedule(loop: Loop, started_on: date, by) -> None:
    """Every round of the loop in the past, in the rubric's order: a step every three days, the
    onsite block over two days with its interviews at 10:00 and 14:00."""
    rounds = list(loop.rounds.select_related("rubric_round").order_by("order"))
    day = started_on + timedelta(days=1)

    def at(on: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(on, time(hour)))

    for step in rounds:
        if step.block_id is not None:
            continue
        if step.rubric_round.is_block:
            inner = [r for r in rounds if r.block_id == step.pk]
            days = max(1, (len(inner) + 1) // 2)
            round_schedule(round=step, start=at(day, 9), end=at(day + timedelta(days=days - 1), 18), by=by)
            for n, interview in enumerate(inner):
                start = at(day + timedelta(days=n // 2), 10 + 4 * (n % 2))
                round_schedule(round=interview, start=start, end=None, by=by, override_reason="Simulated loop.")
            day += timedelta(days=days + 2)
        else:
            round_schedule(round=step, start=at(day, 10), end=None, by=by, override_reason="Simulated loop.")
            day += timedelta(days=3)


def _content(card: SimCard) -> ScorecardContent:
    return ScorecardContent(
        value_ratings=[
            ValueRatingIn(slug, rating, f"Simulated evidence: rated {rating} on {slug}.")
            for slug, rating in card.value_ratings.items()
        ],
        criterion_ratings=[CriterionRatingIn(pk, rating, "") for pk, rating in card.criterion_ratings.items()],
        red_flags=[],
        recommendation=card.recommendation,
        keeper=card.keeper,
        summary="A simulated interview.",
    )


@transaction.atomic
def _simulated_loop(*, loop_plan: SimLoop, rubric: Rubric, people: dict, manager, email: str, started_on: date) -> Loop:
    candidate = candidate_create(
        name=f"Simulated candidate {loop_plan.number + 1}", email=email, level="senior", by=manager
    )
    loop = loop_open(candidate=candidate, hiring_manager=manager, by=manager, rubric=rubric, started_on=started_on)
    rounds = {r.rubric_round.slug: r for r in loop.rounds.select_related("rubric_round")}
    cards = []
    for card in loop_plan.cards:
        assignment = interviewer_assign(
            round=rounds[card.round], interviewer=people[card.interviewer], by=manager, questions=list(card.questions)
        )
        cards.append((card, assignment.scorecard))
    _schedule(loop, started_on, manager)
    for card, scorecard in cards:
        person = people[card.interviewer]
        scorecard = scorecard_save_draft(
            scorecard=scorecard, author=person, version=scorecard.version, content=_content(card)
        )
        scorecard_submit(scorecard=scorecard, by=person)
    return loop


def loops_simulate(*, rubric: Rubric, plan: Plan, today: date) -> list[int]:
    """Write ``plan`` through the services, as people would: candidates, loops, rounds scheduled
    in the past, assignments, drafts and submissions. Each loop is written in one transaction.
    Idempotent: a loop whose candidate (by the plan's seed and number) exists is not written
    again. Returns the loop ids in the plan's order."""
    manager, _, _ = user_upsert(username="sim-hiring-manager", roles=["hiring_manager"], name="Simulated Manager")
    people = {}
    for person in plan.interviewers:
        roles = ["interviewer", "director"] if person.is_director else ["interviewer"]
        people[person.username] = user_upsert(
            username=person.username, roles=roles, name=f"{person.first_name} {person.last_name}"
        )[0]
    loop_ids = []
    for loop_plan in plan.loops:
        email = f"sim{plan.seed}-c{loop_plan.number:05d}@example.com"
        existing = Loop.objects.filter(candidate__email=email).values_list("pk", flat=True).first()
        if existing is None:
            started_on = today - timedelta(days=30 + (loop_plan.number * 7) % 330)
            existing = _simulated_loop(
                loop_plan=loop_plan, rubric=rubric, people=people, manager=manager, email=email, started_on=started_on
            ).pk
        loop_ids.append(existing)
    return loop_ids
