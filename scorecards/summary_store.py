"""The Keeper Test summary from the database (Product §5): gathered, computed and stored.

``summary_input`` gathers a loop's submitted scorecards into the plain data that
``scorecards.summary`` computes with. The computed summary is stored as JSON text
(``KeeperSummary``): every submit or amendment bumps its ``wanted`` generation, and a read
of a text computed for an older generation recomputes first."""

import json
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from keeper.lean import update_where
from loops.models import Assignment, Loop
from rubric.selectors import rubric_structure
from scorecards import summary as maths
from scorecards.calibration_hook import rater_leniencies
from scorecards.models import KeeperDecision, KeeperSummary, RedFlag, Scorecard, ScorecardRevision, ValueRating


def keeper_bar(loop: Loop) -> maths.KeeperBar:
    rubric = loop.rubric
    return maths.KeeperBar(
        strong_mean=float(rubric.bar_strong_mean),
        meets_mean=float(rubric.bar_meets_mean),
        min_keeper_yes_share=float(rubric.bar_min_keeper_yes_share),
        strong_no_blocks=rubric.bar_strong_no_blocks,
        blocking_flag_blocks=rubric.bar_blocking_flag_blocks,
        evidence_required_for_every_value=rubric.bar_evidence_required_for_every_value,
        disagreement_points=rubric.disagreement_points,
        calibrated=rubric.bar_calibrated,
    )


def summary_input(loop: Loop) -> maths.SummaryInput:
    """Plain data for the maths: every submitted scorecard's current revision (the director's
    own round counts only once it is submitted, like every other). Five queries joined through
    the loop, however many scorecards it has: no list of ids is ever sent to the database."""
    structure = rubric_structure(loop.rubric)
    submitted = {"revision__scorecard__loop": loop, "revision__scorecard__status": Scorecard.Status.SUBMITTED}
    current = {"revision__scorecard__current_revision": F("revision")}
    cards = list(
        Scorecard.objects.submitted()
        .filter(loop=loop)
        .select_related("interviewer", "round__rubric_round", "current_revision")
        .order_by("round__order", "pk")
    )
    ratings: dict[int, list[maths.Rating]] = defaultdict(list)
    for row in ValueRating.objects.filter(**submitted, **current, pending=False).values_list(
        "revision__scorecard_id", "value_id", "rating", "evidence"
    ):
        ratings[row[0]].append(maths.Rating(structure.values_by_id[row[1]].slug, row[2], row[3]))
    flags: dict[int, list[maths.Flag]] = defaultdict(list)
    for scorecard_id, mode_id, note in RedFlag.objects.filter(**submitted, **current).values_list(
        "revision__scorecard_id", "failure_mode_id", "note"
    ):
        mode = structure.failure_modes_by_id[mode_id]
        flags[scorecard_id].append(maths.Flag(mode_id, mode.text, mode.severity, note))
    asked: dict[int, list[int]] = defaultdict(list)
    for scorecard_id, number in Assignment.questions.through.objects.filter(
        assignment__scorecard__loop=loop, assignment__scorecard__status=Scorecard.Status.SUBMITTED
    ).values_list("assignment__scorecard", "question__number"):
        asked[scorecard_id].append(number)
    exposed_amendments = set(
        ScorecardRevision.objects.filter(scorecard__loop=loop, is_after_exposure=True).values_list(
            "scorecard_id", flat=True
        )
    )
    leniency = (rater_leniencies(loop.rubric_id) or {}) if loop.rubric.bar_calibrated else {}
    return maths.SummaryInput(
        leniency=leniency,
        loop=loop.pk,
        rubric_version=loop.rubric.version,
        values=tuple(maths.ValueDef(v.slug, v.name) for v in structure.values),
        questions=tuple(maths.QuestionDef(q.number, q.prompt) for q in structure.questions),
        bar=keeper_bar(loop),
        cards=tuple(
            maths.Card(
                scorecard=card.pk,
                interviewer=card.interviewer_id,
                interviewer_name=card.interviewer.get_full_name() or card.interviewer.username,
                round=card.round_id,
                round_name=card.round.rubric_round.name,
                round_order=card.round.order,
                recommendation=card.current_revision.recommendation,
                keeper=card.current_revision.keeper,
                ratings=tuple(ratings[card.pk]),
                flags=tuple(flags[card.pk]),
                questions=tuple(sorted(asked[card.pk])),
                revision=card.current_revision.number,
                amended_after_exposure=card.pk in exposed_amendments,
            )
            for card in cards
        ),
    )


def summary_mark_stale(*, loop_id: int) -> None:
    """Call in the transaction that submits or amends a scorecard of the loop."""
    if not update_where(KeeperSummary, {}, {"loop": loop_id}, increment="wanted"):
        try:
            with transaction.atomic():
                KeeperSummary.objects.create(loop_id=loop_id, wanted=1, computed_for=0)
        except IntegrityError:  # created meanwhile by a read; bump it instead
            KeeperSummary.objects.filter(loop_id=loop_id).update(wanted=F("wanted") + 1)


def summaries_mark_stale(*, rubric_id: int) -> int:
    """Every stored summary of the rubric version's open loops will be recomputed on its next
    read: for a version whose verdict reads calibrated means, after calibration changed."""
    return KeeperSummary.objects.filter(loop__rubric_id=rubric_id, loop__status__in=Loop.OPEN_STATUSES).update(
        wanted=F("wanted") + 1
    )


def keeper_summary_refresh(*, loop_id: int) -> bool:
    """Recompute and store the summary if a submit or amendment made it stale. Idempotent:
    True if it was recomputed, False if the stored one was current."""
    stored = KeeperSummary.objects.filter(loop_id=loop_id).first()
    if stored is not None and stored.is_current:
        return False
    summary_store(Loop.objects.select_related("rubric").get(pk=loop_id))
    return True


def summary_store(loop: Loop) -> str:
    """Compute the summary and store it as JSON text, tagged with the ``wanted`` it reflects."""
    wanted = KeeperSummary.objects.filter(loop=loop).values_list("wanted", flat=True).first()
    if wanted is None:
        try:
            with transaction.atomic():
                KeeperSummary.objects.create(loop=loop, wanted=1, computed_for=0)
        except IntegrityError:
            pass
        wanted = KeeperSummary.objects.filter(loop=loop).values_list("wanted", flat=True).get()
    text = json.dumps(maths.summary_compute(summary_input(loop)), separators=(",", ":"))
    KeeperSummary.objects.filter(loop=loop, computed_for__lt=wanted).update(
        text=text, computed_for=wanted, computed_at=timezone.now()
    )
    return text


def summary_text(loop: Loop, stored: KeeperSummary | None) -> str:
    """The stored summary text if it is current, else a fresh one."""
    if stored is not None and stored.is_current:
        return stored.text
    return summary_store(loop)


def summary_response_text(loop: Loop, stored: KeeperSummary | None, decision: "KeeperDecision | None", today) -> str:
    """The summary as JSON text (Product §7.1): the stored computation with today's timeline and the
    decision spliced in, so a read neither recomputes nor re-serialises the bulk of it."""
    text = summary_text(loop, stored)
    tail = json.dumps(
        {"timeline": summary_timeline(loop, today=today), "decision": decision_payload(decision)},
        separators=(",", ":"),
    )
    return text[:-1] + "," + tail[1:]


def keeper_summary_get(loop: Loop, *, today=None) -> dict:
    """The summary as a dict (pages, CSV, the decision's frozen copy)."""
    stored = KeeperSummary.objects.filter(loop=loop).first()
    decision = KeeperDecision.objects.filter(loop=loop).select_related("by").first()
    return json.loads(summary_response_text(loop, stored, decision, today))


def summary_timeline(loop: Loop, *, today=None) -> dict:
    return {
        "started_on": loop.started_on.isoformat(),
        "due_by": loop.due_by.isoformat(),
        "weeks_elapsed": loop.weeks_elapsed(today),
        "window": {"min": loop.rubric.window_min_weeks, "max": loop.rubric.window_max_weeks},
        "pace": loop.pace(today),
    }


def decision_payload(decision: KeeperDecision | None) -> dict | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "rationale": decision.rationale,
        "answers": decision.answers,
        "by": decision.by_id,
        "by_name": decision.by.get_full_name() or decision.by.username,
        "at": decision.at.isoformat(),
    }
