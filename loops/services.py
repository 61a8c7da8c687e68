"""Every write to candidates, loops, rounds and assignments. Each service owns its
transaction and records the timeline in it (Product §3)."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role, has_role
from keeper.errors import Conflict, IllegalMove, Invalid
from loops import invitations
from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent
from loops.selectors import loop_coverage
from loops.signals import loop_status_changed
from rubric.models import Level, Question, Rubric, RubricValue
from rubric.selectors import rubric_default, rubric_structure

LS = Loop.Status
# The one table of allowed loop moves (STYLE.md §2). Hired and rejected come from
# outcomes and the Keeper decision; withdrawn from the candidate stepping away.
LOOP_MOVES = {
    LS.ACTIVE: {LS.ON_HOLD, LS.HIRED, LS.REJECTED, LS.WITHDRAWN},
    LS.ON_HOLD: {LS.ACTIVE, LS.WITHDRAWN},
    LS.HIRED: set(),
    LS.REJECTED: set(),
    LS.WITHDRAWN: set(),
}

RS = Round.Status
ROUND_MOVES = {
    RS.PLANNED: {RS.SCHEDULED, RS.SKIPPED},
    RS.SCHEDULED: {RS.SCHEDULED, RS.DONE, RS.SKIPPED, RS.PLANNED},
    RS.SKIPPED: {RS.PLANNED},
    RS.DONE: set(),
}

ASSIGNABLE_ROLES = (Role.INTERVIEWER, Role.HIRING_MANAGER, Role.DIRECTOR, Role.RECRUITER)


def timeline_record(
    *,
    loop_id: int,
    actor: AbstractUser | None,
    kind: str,
    detail: str,
    round_id: int | None = None,
    data: dict | None = None,
) -> TimelineEvent:
    """Append one event to a loop's timeline. Call it inside the transaction of the change."""
    return TimelineEvent.objects.create(
        loop_id=loop_id, actor=actor, kind=kind, detail=detail, round_id=round_id, data=data or {}
    )


# Candidates ---------------------------------------------------------------------------


def hireable_levels(rubric: Rubric) -> list[Level]:
    return list(rubric.levels.filter(hireable=True).order_by("order"))


def level_check(*, rubric: Rubric, level: str) -> None:
    """Product §2: entry and junior are refused; so is a level the rubric does not know."""
    hireable = hireable_levels(rubric)
    if level not in {lv.slug for lv in hireable}:
        known = rubric.levels.filter(slug=level).first()
        reason = f"{known.title} is not a level this rubric hires at" if known else f"Unknown level {level!r}"
        names = ", ".join(lv.slug for lv in hireable)
        raise Invalid(reason, errors={"level": [f"{reason}; hireable levels are: {names}."]})


@transaction.atomic
def candidate_create(*, name: str, email: str, level: str, by: AbstractUser) -> Candidate:
    """Create a candidate targeting a hireable level of the published rubric.
    Raises Invalid naming the hireable levels, or a duplicate email."""
    level_check(rubric=rubric_default(), level=level)
    if email and Candidate.objects.filter(email__iexact=email).exists():
        raise Invalid("Duplicate candidate.", errors={"email": ["A candidate with this email already exists."]})
    try:
        with transaction.atomic():
            return Candidate.objects.create(name=name.strip(), email=email.strip(), level=level, created_by=by)
    except IntegrityError:
        raise Invalid(
            "Duplicate candidate.", errors={"email": ["A candidate with this email already exists."]}
        ) from None


# Loops --------------------------------------------------------------------------------


@transaction.atomic
def loop_open(
    *,
    candidate: Candidate,
    hiring_manager: AbstractUser,
    by: AbstractUser,
    recruiter: AbstractUser | None = None,
    rubric: Rubric | None = None,
    started_on: date | None = None,
) -> Loop:
    """Open a loop on the published rubric (or the given published version) with one round
    per rubric step. Raises Invalid for a bad level, role, date or rubric; Conflict when the
    candidate is already in an open loop."""
    today = timezone.localdate()
    started_on = started_on or today
    rubric = rubric or rubric_default()
    problems: dict[str, list[str]] = {}
    if rubric.status != Rubric.Status.PUBLISHED:
        problems.setdefault("rubric", []).append("Loops run on a published rubric version.")
    if started_on > today:
        problems.setdefault("started_on", []).append("A loop cannot start in the future.")
    if not has_role(hiring_manager, Role.HIRING_MANAGER) or not hiring_manager.is_active:
        problems.setdefault("hiring_manager", []).append(f"{hiring_manager.username} is not a hiring manager.")
    if recruiter is not None and (not has_role(recruiter, Role.RECRUITER) or not recruiter.is_active):
        problems.setdefault("recruiter", []).append(f"{recruiter.username} is not a recruiter.")
    try:
        level_check(rubric=rubric, level=candidate.level)
    except Invalid as error:
        problems.setdefault("candidate", []).extend(error.errors["level"])
    if problems:
        raise Invalid("The loop cannot be opened.", errors=problems)

    Candidate.objects.select_for_update().get(pk=candidate.pk)  # serialise openings per candidate
    if Loop.objects.open().filter(candidate=candidate).exists():
        raise Conflict(f"{candidate.name} is already in an open loop.")
    loop = Loop.objects.create(
        candidate=candidate,
        rubric=rubric,
        hiring_manager=hiring_manager,
        recruiter=recruiter,
        started_on=started_on,
        at_risk_from=started_on + timedelta(weeks=rubric.window_min_weeks),
        due_by=started_on + timedelta(weeks=rubric.window_max_weeks),
    )
    structure = rubric_structure(rubric)
    rounds = {info.id: Round(loop=loop, rubric_round_id=info.id, order=info.order) for info in structure.rounds}
    Round.objects.bulk_create(rounds.values())
    for info in structure.rounds:
        if info.block_id:
            rounds[info.id].block = rounds[info.block_id]
    Round.objects.bulk_update([r for r in rounds.values() if r.block_id], ["block"])
    loop.current_round = rounds[structure.rounds[0].id]
    loop.save(update_fields=["current_round"])
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.LOOP_OPENED,
        detail=f"Loop opened for {candidate.name} on {rubric.name} v{rubric.version}, due by {loop.due_by}.",
    )
    return loop


def _loop_locked(loop_id: int) -> Loop:
    return Loop.objects.select_for_update().get(pk=loop_id)


def _open_loop_locked(loop_id: int) -> Loop:
    """Lock the loop for a planning change; planning goes on while it is on hold, not once closed."""
    loop = _loop_locked(loop_id)
    if not loop.is_open:
        raise IllegalMove(f"The loop is {loop.get_status_display().lower()}.", status=loop.status)
    return loop


def _active_round_locked(round_id: int, loop_id: int) -> tuple[Loop, Round]:
    """Lock an active loop and load one of its rounds with its rubric step."""
    loop = _loop_locked(loop_id)
    _require_active(loop)
    return loop, Round.objects.select_related("rubric_round").get(pk=round_id)


@transaction.atomic
def loop_move(*, loop: Loop, to: str, by: AbstractUser, reason: str = "") -> Loop:
    """Move a loop along ``LOOP_MOVES``. Raises IllegalMove naming the current status."""
    loop = _loop_locked(loop.pk)
    if to not in LOOP_MOVES[loop.status]:
        raise IllegalMove(
            f"A loop that is {loop.get_status_display().lower()} cannot become {LS(to).label.lower()}.",
            status=loop.status,
        )
    previous = loop.status
    loop.status = to
    fields = ["status", "updated_at"]
    if to not in Loop.OPEN_STATUSES:
        loop.closed_on = timezone.localdate()
        loop.current_round = None
        fields += ["closed_on", "current_round"]
    loop.save(update_fields=fields)
    detail = f"Loop {LS(previous).label.lower()} → {LS(to).label.lower()}."
    if reason:
        detail += f" Reason: {reason}"
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.LOOP_STATUS,
        detail=detail,
        data={"from": previous, "to": to, "reason": reason},
    )
    loop_status_changed.send(sender=Loop, loop=loop, previous=previous, by=by)
    if to not in Loop.OPEN_STATUSES:
        invitations.loop_invitations_cancel(loop_id=loop.pk, by=by)  # Product §3
    return loop


# Rounds -------------------------------------------------------------------------------


def _require_active(loop: Loop) -> None:
    if loop.status != LS.ACTIVE:
        raise IllegalMove(f"The loop is {loop.get_status_display().lower()}; resume it first.", status=loop.status)


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def _deadlines(info, end: datetime) -> tuple[datetime | None, datetime | None]:
    """Product §4: ratings due soon after the interview ends, the written evidence later."""
    if info.is_block:
        return None, None
    ratings = end + timedelta(hours=info.ratings_due_hours) if info.ratings_due_hours is not None else None
    evidence = end + timedelta(hours=info.evidence_due_hours) if info.evidence_due_hours is not None else None
    return ratings, evidence


def _top_level_neighbours(rounds: list[Round], step: Round) -> tuple[Round | None, Round | None]:
    steps = [r for r in rounds if r.block_id is None and r.status != RS.SKIPPED]
    earlier = [r for r in steps if r.order < step.order and r.scheduled_end]
    later = [r for r in steps if r.order > step.order and r.scheduled_start]
    return (earlier[-1] if earlier else None), (later[0] if later else None)


@transaction.atomic
def round_schedule(
    *,
    round: Round,
    start: datetime,
    end: datetime | None,
    by: AbstractUser,
    override_reason: str = "",
    location: str | None = None,
    video_url: str | None = None,
) -> Round:
    """Schedule (or reschedule) a round, and set its place when ``location`` or ``video_url`` is
    given. Steps keep the rubric's order; onsite interviews fall inside the block's days; the
    decision round waits for full coverage unless overridden. The round's interviewers get an
    invitation, or its update, when the time or the place changes (Product §3).
    Raises Invalid, IllegalMove, or Conflict naming the coverage gaps."""
    from loops.selectors import loop_detail_get

    loop = _loop_locked(round.loop_id)
    _require_active(loop)
    loop = loop_detail_get(Loop.objects.all(), loop.pk)
    rounds = list(loop.rounds.all())
    target = next(r for r in rounds if r.pk == round.pk)
    info = target.rubric_round
    if RS.SCHEDULED not in ROUND_MOVES[target.status]:
        raise IllegalMove(f"{info.name} is {target.get_status_display().lower()}.", status=target.status)

    if end is None:
        if info.is_block:
            raise Invalid("The block needs an end.", errors={"scheduled_end": [f"Give the end of the {info.name}."]})
        end = start + timedelta(minutes=info.duration_minutes)
    problems: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if end <= start:
        refuse("scheduled_end", "The end must come after the start.")
    if timezone.localtime(start).date() < loop.started_on:
        refuse("scheduled_start", f"The loop started on {loop.started_on}; a round cannot come before it.")

    if info.is_block:
        days = (timezone.localtime(end).date() - timezone.localtime(start).date()).days + 1
        if info.block_max_days and days > info.block_max_days:
            refuse("scheduled_end", f"The {info.name} runs over at most {info.block_max_days} days; this spans {days}.")
        for inner in (r for r in rounds if r.block_id == target.pk and r.scheduled_start):
            if inner.scheduled_start < start or inner.scheduled_end > end:
                refuse(
                    "scheduled_start",
                    f"{inner.rubric_round.name} is already set for {_fmt(inner.scheduled_start)}, outside these dates.",
                )
    if target.block_id:
        block = next(r for r in rounds if r.pk == target.block_id)
        if not block.scheduled_start:
            refuse("scheduled_start", f"Schedule the {block.rubric_round.name} block first.")
        elif start < block.scheduled_start or end > block.scheduled_end:
            refuse(
                "scheduled_start",
                f"{info.name} must fall within the {block.rubric_round.name}: "
                f"{_fmt(block.scheduled_start)} to {_fmt(block.scheduled_end)}.",
            )
    else:
        before, after = _top_level_neighbours(rounds, target)
        if before and start < before.scheduled_end:
            refuse(
                "scheduled_start",
                f"{info.name} comes after {before.rubric_round.name}, which ends {_fmt(before.scheduled_end)}.",
            )
        if after and end > after.scheduled_start:
            refuse(
                "scheduled_end",
                f"{info.name} comes before {after.rubric_round.name}, which starts {_fmt(after.scheduled_start)}.",
            )
    if problems:
        raise Invalid("The round cannot be scheduled.", errors=problems)

    if info.is_decision_round:
        gaps = loop_coverage(loop)
        if gaps["warnings"] and not override_reason.strip():
            raise Conflict(
                f"The loop has coverage gaps; give an override_reason to schedule the {info.name} anyway.",
                gaps=gaps["warnings"],
            )
        if gaps["warnings"]:
            timeline_record(
                loop_id=loop.pk,
                actor=by,
                kind=TimelineEvent.Kind.COVERAGE_OVERRIDE,
                detail=f"{info.name} scheduled despite coverage gaps. Reason: {override_reason.strip()}",
                round_id=target.pk,
                data={"gaps": gaps["warnings"], "reason": override_reason.strip()},
            )

    rescheduled = target.status == RS.SCHEDULED
    moved = (target.scheduled_start, target.scheduled_end) != (start, end)
    place = _place_change(target, location=location, video_url=video_url)
    target.scheduled_start, target.scheduled_end, target.status = start, end, RS.SCHEDULED
    target.ratings_due_at, target.evidence_due_at = _deadlines(info, end)
    target.save(
        update_fields=["scheduled_start", "scheduled_end", "status", "ratings_due_at", "evidence_due_at", *place]
    )
    if target.block_id:
        Round.objects.filter(pk=target.block_id, status=RS.PLANNED).update(status=RS.SCHEDULED)
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.ROUND_SCHEDULED,
        detail=f"{info.name} {'rescheduled' if rescheduled else 'scheduled'}: {_fmt(start)} to {_fmt(end)}."
        + (f" {_place_words(target)}" if place else ""),
        round_id=target.pk,
        data={"start": start.isoformat(), "end": end.isoformat(), **{field: getattr(target, field) for field in place}},
    )
    if not rescheduled:
        invitations.round_invitations_send(round_id=target.pk, change=invitations.SCHEDULED, by=by)
    elif moved or place:
        change = invitations.RESCHEDULED if moved else invitations.PLACE
        invitations.round_invitations_send(round_id=target.pk, change=change, by=by)
    return target


def _place_change(target: Round, *, location: str | None, video_url: str | None) -> list[str]:
    """Apply a new place to ``target`` (None leaves a part as it is); the fields that changed."""
    changed = []
    for field, value in (("location", location), ("video_url", video_url)):
        if value is not None and value.strip() != getattr(target, field):
            setattr(target, field, value.strip())
            changed.append(field)
    return changed


def _place_words(target: Round) -> str:
    parts = [target.location, f"video {target.video_url}" if target.video_url else ""]
    place = " · ".join(part for part in parts if part)
    return f"Place: {place}." if place else "Place cleared."


@transaction.atomic
def round_place_set(
    *, round: Round, by: AbstractUser, location: str | None = None, video_url: str | None = None
) -> Round:
    """Set where a round takes place: a room or address, a video link (None leaves one as it is,
    "" clears it). A scheduled round's interviewers get the updated invitation (Product §3).
    Raises IllegalMove once the loop is closed or the round finished."""
    loop = _open_loop_locked(round.loop_id)
    target = Round.objects.select_related("rubric_round").get(pk=round.pk)
    if target.is_finished:
        raise IllegalMove(f"{target.rubric_round.name} is {target.get_status_display().lower()}.", status=target.status)
    place = _place_change(target, location=location, video_url=video_url)
    if not place:
        return target
    target.save(update_fields=place)
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.ROUND_SCHEDULED,
        detail=f"{target.rubric_round.name}: {_place_words(target)}",
        round_id=target.pk,
        data={field: getattr(target, field) for field in place},
    )
    if target.status == RS.SCHEDULED:
        invitations.round_invitations_send(round_id=target.pk, change=invitations.PLACE, by=by)
    return target


@transaction.atomic
def round_set_status(*, round: Round, status: str, by: AbstractUser) -> Round:
    """Mark a round done, skipped, or back to planned, along ``ROUND_MOVES``.
    A block's status follows its interviews and is never set by hand."""
    loop, target = _active_round_locked(round.pk, round.loop_id)
    info = target.rubric_round
    if info.is_block:
        raise Invalid(
            "A block follows its interviews.", errors={"status": [f"The {info.name} is done when its interviews are."]}
        )
    if status not in ROUND_MOVES[target.status] or status == RS.SCHEDULED:
        raise IllegalMove(
            f"{info.name} is {target.get_status_display().lower()} and cannot become {status}.", status=target.status
        )
    if status == RS.DONE and target.scheduled_start > timezone.now():
        raise Invalid(
            "Not yet held.",
            errors={"status": [f"{info.name} starts {_fmt(target.scheduled_start)}; it cannot be done yet."]},
        )
    if status == RS.SKIPPED and info.is_decision_round:
        raise Invalid(
            "The decision round cannot be skipped.", errors={"status": [f"The {info.name} cannot be skipped."]}
        )

    previous = target.status
    if previous == RS.SCHEDULED and status in (RS.PLANNED, RS.SKIPPED):
        # Before the time is cleared: the cancellation names the event as the calendars hold it.
        change = invitations.UNSCHEDULED if status == RS.PLANNED else invitations.SKIPPED
        invitations.round_invitations_send(round_id=target.pk, change=change, by=by)
    target.status = status
    fields = ["status"]
    if status == RS.DONE:
        target.completed_at = timezone.now()
        fields.append("completed_at")
    if status == RS.PLANNED:
        target.scheduled_start = target.scheduled_end = None
        target.ratings_due_at = target.evidence_due_at = None
        fields += ["scheduled_start", "scheduled_end", "ratings_due_at", "evidence_due_at"]
    target.save(update_fields=fields)
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.ROUND_STATUS,
        detail=f"{info.name}: {RS(previous).label.lower()} → {RS(status).label.lower()}.",
        round_id=target.pk,
        data={"from": previous, "to": status},
    )
    _loop_progress(loop)
    return target


@transaction.atomic
def round_outcome_record(*, round: Round, outcome: str, by: AbstractUser) -> Round:
    """Record advance or reject on the step the loop stands at (any interview inside the
    current block). Reject closes the loop as rejected. Raises IllegalMove or Conflict."""
    loop, target = _active_round_locked(round.pk, round.loop_id)
    info = target.rubric_round
    if info.is_block:
        raise Invalid(
            "Outcomes belong to interviews.", errors={"outcome": [f"Record outcomes on the {info.name}'s interviews."]}
        )
    if info.is_decision_round:
        raise Conflict(f"The {info.name} ends with the director's Keeper Test decision, not an outcome; mark it done.")
    if target.outcome:
        raise Conflict(f"{info.name} already has the outcome {target.outcome}.")
    current = loop.current_round_id
    if current is None or current not in (target.pk, target.block_id):
        standing = Round.objects.select_related("rubric_round").filter(pk=current).first()
        where = standing.rubric_round.name if standing else "no open step"
        raise Conflict(f"Steps run in order: the loop stands at {where}, not {info.name}.")
    if target.status not in (RS.SCHEDULED, RS.DONE) or target.scheduled_start > timezone.now():
        raise Conflict(f"{info.name} has not taken place yet.")

    target.status, target.outcome = RS.DONE, outcome
    target.completed_at = target.completed_at or timezone.now()
    target.save(update_fields=["status", "outcome", "completed_at"])
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.ROUND_OUTCOME,
        detail=f"{info.name}: {Round.Outcome(outcome).label.lower()}.",
        round_id=target.pk,
        data={"outcome": outcome},
    )
    if outcome == Round.Outcome.REJECT:
        loop_move(loop=loop, to=LS.REJECTED, by=by, reason=f"Rejected at {info.name}.")
    else:
        _loop_progress(loop)
    return target


def _loop_progress(loop: Loop) -> None:
    """Bring blocks and the loop's current step in line with its rounds."""
    rounds = list(Round.objects.filter(loop=loop).order_by("order"))
    by_block: dict[int, list[Round]] = {}
    for r in rounds:
        if r.block_id:
            by_block.setdefault(r.block_id, []).append(r)
    for r in rounds:
        inner = by_block.get(r.pk)
        if inner is None or r.is_finished:
            continue
        if all(i.is_finished for i in inner):
            r.status, r.completed_at = RS.DONE, timezone.now()
            r.save(update_fields=["status", "completed_at"])
    current = next((r for r in rounds if r.block_id is None and not r.is_finished), None)
    if loop.current_round_id != (current.pk if current else None):
        loop.current_round = current
        loop.save(update_fields=["current_round", "updated_at"])


# Assignments --------------------------------------------------------------------------


def _questions_and_values(
    *, loop: Loop, round: Round, questions: list[int] | None, values: list[str] | None
) -> tuple[list[Question], list[RubricValue]]:
    structure = rubric_structure(loop.rubric)
    info = structure.rounds_by_id[round.rubric_round_id]
    problems: dict[str, list[str]] = {}
    if questions is None:
        question_ids = list(info.question_ids)
    else:
        unknown = [n for n in questions if n not in structure.questions_by_number]
        if unknown:
            problems["questions"] = [f"Question {n} is not in this rubric." for n in unknown]
        question_ids = [structure.questions_by_number[n].id for n in questions if n in structure.questions_by_number]
    if values is None:
        value_ids = [structure.values_by_slug[s].id for s in info.value_slugs]
    else:
        unknown = [s for s in values if s not in structure.values_by_slug]
        if unknown:
            problems["values_in_focus"] = [f"{s!r} is not a value of this rubric." for s in unknown]
        value_ids = [structure.values_by_slug[s].id for s in values if s in structure.values_by_slug]
    if problems:
        raise Invalid("The assignment is not valid.", errors=problems)
    return (
        list(Question.objects.filter(pk__in=question_ids)),
        list(RubricValue.objects.filter(pk__in=value_ids)),
    )


@transaction.atomic
def assignment_create(
    *,
    round: Round,
    interviewer: AbstractUser,
    by: AbstractUser,
    questions: list[int] | None = None,
    values_in_focus: list[str] | None = None,
    notes: str = "",
) -> Assignment:
    """Put an interviewer on an interview round with questions and values (rubric defaults
    when omitted). Raises Invalid, IllegalMove, or Conflict when already assigned."""
    loop = _open_loop_locked(round.loop_id)
    target = Round.objects.select_related("rubric_round").get(pk=round.pk)
    info = target.rubric_round
    problems: dict[str, list[str]] = {}
    if info.is_block:
        problems["round"] = [f"The {info.name} is a scheduling block; assign interviewers to its interviews."]
    elif target.is_finished:
        problems["round"] = [f"{info.name} is {target.get_status_display().lower()}."]
    if not interviewer.is_active or not has_role(interviewer, *ASSIGNABLE_ROLES):
        problems["interviewer"] = [f"{interviewer.username} does not interview."]
    elif info.is_decision_round and not has_role(interviewer, Role.DIRECTOR):
        problems["interviewer"] = [f"The {info.name} is run by a director; {interviewer.username} is not one."]
    if problems:
        raise Invalid("The interviewer cannot be assigned.", errors=problems)
    question_rows, value_rows = _questions_and_values(
        loop=loop, round=target, questions=questions, values=values_in_focus
    )
    if Assignment.objects.filter(round=target, interviewer=interviewer).exists():
        raise Conflict(f"{interviewer.username} is already on {info.name}.")
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(round=target, interviewer=interviewer, notes=notes, created_by=by)
    except IntegrityError:
        raise Conflict(f"{interviewer.username} is already on {info.name}.") from None
    assignment.questions.set(question_rows)
    assignment.values_in_focus.set(value_rows)
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.ASSIGNMENT_CREATED,
        detail=f"{interviewer.get_full_name() or interviewer.username} assigned to {info.name}.",
        round_id=target.pk,
        data={
            "interviewer": interviewer.pk,
            "questions": sorted(q.number for q in question_rows),
            "values_in_focus": [v.slug for v in sorted(value_rows, key=lambda v: v.order)],
        },
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    by: AbstractUser,
    questions: list[int] | None = None,
    values_in_focus: list[str] | None = None,
    notes: str | None = None,
) -> Assignment:
    """Change the questions, values or briefing of an assignment on an unfinished round."""
    loop = _open_loop_locked(assignment.round.loop_id)
    assignment = Assignment.objects.select_related("round__rubric_round").get(pk=assignment.pk)
    if assignment.round.is_finished:
        raise IllegalMove(f"{assignment.round.rubric_round.name} is finished.", status=assignment.round.status)
    question_rows, value_rows = _questions_and_values(
        loop=loop, round=assignment.round, questions=questions, values=values_in_focus
    )
    changed = []
    if questions is not None:
        assignment.questions.set(question_rows)
        changed.append("questions")
    if values_in_focus is not None:
        assignment.values_in_focus.set(value_rows)
        changed.append("values in focus")
    if notes is not None:
        assignment.notes = notes
        assignment.save(update_fields=["notes"])
        changed.append("notes")
    if changed:
        timeline_record(
            loop_id=loop.pk,
            actor=by,
            kind=TimelineEvent.Kind.ASSIGNMENT_CHANGED,
            detail=f"{assignment.interviewer.username} on {assignment.round.rubric_round.name}: {', '.join(changed)} changed.",
            round_id=assignment.round_id,
            data={"changed": changed},
        )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: AbstractUser) -> None:
    """Take an interviewer off an unfinished round."""
    loop = _open_loop_locked(assignment.round.loop_id)
    assignment = Assignment.objects.select_related("round__rubric_round", "interviewer").get(pk=assignment.pk)
    if assignment.round.is_finished:
        raise IllegalMove(f"{assignment.round.rubric_round.name} is finished.", status=assignment.round.status)
    timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.ASSIGNMENT_REMOVED,
        detail=f"{assignment.interviewer.username} removed from {assignment.round.rubric_round.name}.",
        round_id=assignment.round_id,
        data={"interviewer": assignment.interviewer_id},
    )
    assignment.delete()
