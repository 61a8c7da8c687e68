"""Every write to scorecards: opening one on assignment, draft saves, submission,
amendments, the record of exposure (Product §4), and the director's decision (Product §5)."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.roles import Role, has_role, is_admin
from keeper.collections import repeated
from keeper.errors import Conflict, Frozen, IllegalMove, Incomplete, Invalid, StaleVersion
from keeper.lean import CLAIMED, from_db, related, rows_update_sql, update_sql, update_where, updates_if_claimed
from loops import invitations
from loops import services as loop_services
from loops.models import Assignment, Loop, Round, TimelineEvent
from rubric.models import FailureMode
from rubric.selectors import rubric_structure
from scorecards.models import (
    CriterionRating,
    Exposure,
    KeeperDecision,
    RedFlag,
    Scorecard,
    ScorecardRevision,
    ValueRating,
)
from scorecards.selectors import exposure_first_at
from scorecards.signals import loop_decided, scorecard_submitted
from scorecards.summary_store import keeper_summary_get, summary_mark_stale
from scorecards.tasks import keeper_summary_refresh_task


@dataclass(frozen=True)
class ValueRatingIn:
    """``rating`` None is "not assessed"; ``pending`` is evidence written before any choice."""

    value: str
    rating: int | None
    evidence: str = ""
    pending: bool = False


@dataclass(frozen=True)
class CriterionRatingIn:
    criterion: int
    rating: int | None
    notes: str = ""


@dataclass(frozen=True)
class RedFlagIn:
    failure_mode: int
    note: str = ""


@dataclass(frozen=True)
class ScorecardContent:
    """What a save or an amendment changes; ``None`` leaves a part as it is, and a list
    that is given replaces that part whole."""

    value_ratings: list[ValueRatingIn] | None = None
    criterion_ratings: list[CriterionRatingIn] | None = None
    red_flags: list[RedFlagIn] | None = None
    recommendation: str | None = None
    keeper: str | None = None
    summary: str | None = None
    changed: list[str] = field(default_factory=list)

    @classmethod
    def from_input(cls, data: dict) -> "ScorecardContent":
        return cls(
            value_ratings=None
            if data.get("value_ratings") is None
            else [
                ValueRatingIn(
                    value=item["value"],
                    rating=item.get("rating"),
                    evidence=item.get("evidence", ""),
                    pending="rating" not in item,
                )
                for item in data["value_ratings"]
            ],
            criterion_ratings=None
            if data.get("criterion_ratings") is None
            else [CriterionRatingIn(**item) for item in data["criterion_ratings"]],
            red_flags=None if data.get("red_flags") is None else [RedFlagIn(**item) for item in data["red_flags"]],
            recommendation=data.get("recommendation"),
            keeper=data.get("keeper"),
            summary=data.get("summary"),
            changed=[key for key in data if key not in {"version", "reason"}],
        )


# Assignment and opening ---------------------------------------------------------------


@transaction.atomic
def interviewer_assign(
    *,
    round: Round,
    interviewer: AbstractUser,
    by: AbstractUser,
    questions: list[int] | None = None,
    values_in_focus: list[str] | None = None,
    notes: str = "",
) -> Assignment:
    """Assign an interviewer (``loops.services.assignment_create``), open their draft scorecard
    and invite them (the kit's address is the scorecard's), in one transaction (Product §3)."""
    assignment = loop_services.assignment_create(
        round=round, interviewer=interviewer, by=by, questions=questions, values_in_focus=values_in_focus, notes=notes
    )
    scorecard_open(assignment=assignment)
    invitations.invitations_send(
        assignments=Assignment.objects.filter(pk=assignment.pk), change=invitations.ASSIGNED, by=by
    )
    return assignment


@transaction.atomic
def assignment_plan_change(
    *,
    assignment: Assignment,
    by: AbstractUser,
    questions: list[int] | None = None,
    values_in_focus: list[str] | None = None,
    notes: str | None = None,
) -> Assignment:
    """Change an assignment's questions, values or notes. Once its scorecard is submitted the
    questions and values are part of the record the summary reads, so they no longer change
    (Conflict); the briefing notes still may."""
    scorecard = Scorecard.objects.select_for_update().filter(assignment=assignment).first()
    if scorecard is not None and scorecard.is_submitted and (questions is not None or values_in_focus is not None):
        raise Conflict("The scorecard for this assignment is submitted; its questions and values are on the record.")
    return loop_services.assignment_update(
        assignment=assignment, by=by, questions=questions, values_in_focus=values_in_focus, notes=notes
    )


@transaction.atomic
def interviewer_unassign(*, assignment: Assignment, by: AbstractUser) -> None:
    """Take an interviewer off a round; their draft goes with them and their invitation is
    cancelled (Product §3). A submitted scorecard is evidence and keeps the assignment (Conflict)."""
    # The loop first, as every planning change locks it, then the card and the invitation.
    Loop.objects.select_for_update().filter(
        pk__in=Round.objects.filter(assignments=assignment).values("loop_id")
    ).first()
    scorecard = Scorecard.objects.select_for_update().filter(assignment=assignment).first()
    if scorecard is not None and scorecard.is_submitted:
        raise Conflict("This interviewer has submitted a scorecard; it stays on the record.")
    invitations.invitations_send(
        assignments=Assignment.objects.filter(pk=assignment.pk), change=invitations.REMOVED, by=by
    )
    if scorecard is not None:
        _scorecard_delete_draft(scorecard)
    loop_services.assignment_remove(assignment=assignment, by=by)


def _scorecard_delete_draft(scorecard: Scorecard) -> None:
    revision_ids = list(scorecard.revisions.values_list("pk", flat=True))
    Scorecard.objects.filter(pk=scorecard.pk).update(current_revision=None)
    for model in (ValueRating, CriterionRating, RedFlag):
        model.objects.filter(revision_id__in=revision_ids).delete()
    ScorecardRevision.objects.filter(pk__in=revision_ids).delete()
    Scorecard.objects.filter(pk=scorecard.pk).delete()


def scorecard_open(*, assignment: Assignment) -> Scorecard:
    """The draft scorecard of a new assignment, with its working revision."""
    scorecard = Scorecard.objects.create(
        assignment=assignment,
        loop_id=assignment.round.loop_id,
        round_id=assignment.round_id,
        interviewer_id=assignment.interviewer_id,
    )
    revision = ScorecardRevision.objects.create(scorecard=scorecard, number=1, author_id=assignment.interviewer_id)
    scorecard.current_revision = revision
    scorecard.save(update_fields=["current_revision"])
    return scorecard


# Validation ---------------------------------------------------------------------------


def _plan(scorecard: Scorecard) -> tuple[set[str], set[int], dict]:
    """The values in focus, the criteria of the questions asked, and the rubric's failure modes."""
    structure = rubric_structure(scorecard.loop.rubric)
    assignment = scorecard.assignment
    focus = {v.slug for v in related(assignment, "values_in_focus")}
    criteria = {
        criterion_id
        for question in related(assignment, "questions")
        for criterion_id in structure.questions_by_id[question.pk].criterion_ids
    }
    return focus, criteria, structure.failure_modes_by_id


def content_problems(scorecard: Scorecard, content: ScorecardContent) -> dict[str, list[str]]:
    """Everything wrong with the references in ``content``, keyed by field (400)."""
    focus, criteria, failure_modes = _plan(scorecard)
    structure = rubric_structure(scorecard.loop.rubric)
    problems: dict[str, list[str]] = {}
    if content.value_ratings is not None:
        messages = []
        for item in content.value_ratings:
            if item.value not in structure.values_by_slug:
                messages.append(f"{item.value!r} is not a value of this rubric.")
            elif item.value not in focus:
                messages.append(f"{item.value!r} is not a value in focus for this interview.")
        messages += [
            f"{slug!r} is rated more than once." for slug in repeated([i.value for i in content.value_ratings])
        ]
        if messages:
            problems["value_ratings"] = messages
    if content.criterion_ratings is not None:
        messages = [
            f"Criterion {item.criterion} is not a criterion of the questions asked."
            for item in content.criterion_ratings
            if item.criterion not in criteria
        ]
        messages += [
            f"Criterion {c} is rated more than once."
            for c in repeated([i.criterion for i in content.criterion_ratings])
        ]
        if messages:
            problems["criterion_ratings"] = messages
    if content.red_flags is not None:
        messages = [
            f"Failure mode {item.failure_mode} is not in this rubric."
            for item in content.red_flags
            if item.failure_mode not in failure_modes
        ]
        messages += [
            f"Failure mode {f} is flagged more than once."
            for f in repeated([i.failure_mode for i in content.red_flags])
        ]
        if messages:
            problems["red_flags"] = messages
    return problems


def completeness_problems(scorecard: Scorecard, revision: ScorecardRevision) -> list[dict[str, str]]:
    """Every reason the revision cannot be sealed, all at once (Product §4, §7.1)."""
    focus, _, failure_modes = _plan(scorecard)
    structure = rubric_structure(scorecard.loop.rubric)
    ratings = {structure.values_by_id[r.value_id].slug: r for r in related(revision, "value_ratings")}
    names = {v.slug: v.name for v in structure.values}
    problems = []
    for slug in [v.slug for v in structure.values if v.slug in focus]:
        rating = ratings.get(slug)
        if rating is None or rating.pending:
            problems.append(
                {
                    "field": f"value_ratings.{slug}",
                    "code": "value_unrated",
                    "message": f"{names[slug]} is in focus: rate it or mark it not assessed.",
                }
            )
        elif rating.rating is not None and not rating.evidence.strip():
            problems.append(
                {
                    "field": f"value_ratings.{slug}.evidence",
                    "code": "evidence_missing",
                    "message": f"{names[slug]} is rated {rating.rating} with no evidence: say what the candidate said or did.",
                }
            )
    for slug in sorted(set(ratings) - focus):
        problems.append(
            {
                "field": f"value_ratings.{slug}",
                "code": "value_not_in_focus",
                "message": f"{names[slug]} is no longer in focus for this interview; remove its rating.",
            }
        )
    if not revision.recommendation:
        problems.append(
            {"field": "recommendation", "code": "recommendation_missing", "message": "Give an overall recommendation."}
        )
    if not revision.keeper:
        problems.append(
            {"field": "keeper", "code": "keeper_missing", "message": "Say whether you would fight to keep this person."}
        )
    for flag in related(revision, "red_flags"):
        mode = failure_modes[flag.failure_mode_id]
        if mode.severity == FailureMode.Severity.BLOCKING and not flag.note.strip():
            problems.append(
                {
                    "field": f"red_flags.{flag.failure_mode_id}.note",
                    "code": "red_flag_note_missing",
                    "message": f"A blocking red flag needs a note: {mode.text}",
                }
            )
    return problems


def _ratings_complete(scorecard: Scorecard, value_ratings: list[ValueRating], recommendation: str) -> bool:
    """Product §4, first deadline: every value in focus rated (or not assessed) and a recommendation."""
    focus = {v.pk for v in related(scorecard.assignment, "values_in_focus")}
    rated = {r.value_id for r in value_ratings if not r.pending}
    return bool(recommendation) and focus <= rated


# Writing content ----------------------------------------------------------------------


@dataclass
class _RowsChange:
    """What makes one relation of a revision hold what a save gives: only what differs, so an
    autosave that changed one word of evidence updates that one row, and the history records
    that one change (issue #9, #11)."""

    model: type
    names: list[str]  # the columns a save writes
    gone: list[int]
    added: list
    changed: list  # the rows whose values change, as new instances holding them
    rows: list  # the relation afterwards, in the order a read gives (added rows get their pk on insert)


@dataclass
class _ContentChange:
    rows: dict[str, _RowsChange]  # by relation name, for the parts the content gives
    scalars: dict[str, object]  # revision fields whose value changes

    @property
    def updates_only(self) -> bool:
        return not any(change.gone or change.added for change in self.rows.values())

    def rows_after(self, revision: ScorecardRevision, relation: str) -> list:
        """The rows ``relation`` of ``revision`` holds once the change is written."""
        return self.rows[relation].rows if relation in self.rows else related(revision, relation)


def _rows_change(model, revision: ScorecardRevision, relation: str, key: str, wanted: dict, order: dict) -> _RowsChange:
    """``wanted``: key → column values of every row the relation must hold."""
    current = {getattr(row, key): row for row in related(revision, relation)}
    gone = [row.pk for k, row in current.items() if k not in wanted]
    added = [model(revision=revision, **{key: k}, **columns) for k, columns in wanted.items() if k not in current]
    changed, kept = [], []
    for k, columns in wanted.items():
        row = current.get(k)
        if row is None:
            continue
        if any(getattr(row, name) != value for name, value in columns.items()):
            # A new instance: the loaded row keeps what is stored until the save has won.
            row = from_db(model, {"id": row.pk, "revision_id": row.revision_id, key: k, **columns})
            changed.append(row)
        kept.append(row)
    rows = sorted(kept + added, key=lambda row: order[getattr(row, key)])
    return _RowsChange(model, list(next(iter(wanted.values()), {})), gone, added, changed, rows)


def _content_change(scorecard: Scorecard, revision: ScorecardRevision, content: ScorecardContent) -> _ContentChange:
    """What writing ``content`` to ``revision`` changes, worked out before anything is written."""
    structure = rubric_structure(scorecard.loop.rubric)
    rows: dict[str, _RowsChange] = {}
    if content.value_ratings is not None:
        wanted = {
            structure.values_by_slug[item.value].id: {
                "rating": None if item.pending else item.rating,
                "evidence": item.evidence.strip(),
                "pending": item.pending,
            }
            for item in content.value_ratings
        }
        rows["value_ratings"] = _rows_change(
            ValueRating, revision, "value_ratings", "value_id", wanted, structure.value_order
        )
    if content.criterion_ratings is not None:
        wanted = {i.criterion: {"rating": i.rating, "notes": i.notes.strip()} for i in content.criterion_ratings}
        rows["criterion_ratings"] = _rows_change(
            CriterionRating, revision, "criterion_ratings", "criterion_id", wanted, structure.criterion_order
        )
    if content.red_flags is not None:
        wanted = {i.failure_mode: {"note": i.note.strip()} for i in content.red_flags}
        rows["red_flags"] = _rows_change(
            RedFlag, revision, "red_flags", "failure_mode_id", wanted, structure.failure_mode_order
        )
    given = (
        ("recommendation", content.recommendation),
        ("keeper", content.keeper),
        ("summary", None if content.summary is None else content.summary.strip()),
    )
    scalars = {name: value for name, value in given if value is not None and getattr(revision, name) != value}
    return _ContentChange(rows, scalars)


def _apply_rows(change: _RowsChange) -> None:
    if change.gone:
        change.model.objects.filter(pk__in=change.gone).delete()
    if change.added:
        change.model.objects.bulk_create(change.added)
    if len(change.changed) > 2:
        change.model.objects.bulk_update(change.changed, change.names)
    else:  # the usual autosave: a plain UPDATE per row, cheaper than bulk_update's CASE
        for row in change.changed:
            update_where(change.model, {name: getattr(row, name) for name in change.names}, {"id": row.pk})


def _content_loaded(revision: ScorecardRevision, change: _ContentChange) -> None:
    """The revision in memory as written: its fields, and its rows in the same cache
    prefetch_related fills, so answering the save needs no second read."""
    for name, value in change.scalars.items():
        setattr(revision, name, value)
    revision._prefetched_objects_cache = {
        relation: change.rows_after(revision, relation)
        for relation in ("value_ratings", "criterion_ratings", "red_flags")
    }


def _apply_content(revision: ScorecardRevision, change: _ContentChange) -> None:
    """Write ``change`` statement by statement, inside the caller's transaction."""
    for rows in change.rows.values():
        _apply_rows(rows)
    if change.scalars:
        update_where(ScorecardRevision, change.scalars, {"id": revision.pk})


def _write_content(scorecard: Scorecard, revision: ScorecardRevision, content: ScorecardContent) -> None:
    """Replace the parts ``content`` gives, inside the caller's transaction."""
    change = _content_change(scorecard, revision, content)
    _apply_content(revision, change)
    _content_loaded(revision, change)


def _refusal(scorecard_id: int, version: int) -> Exception:
    current = Scorecard.objects.filter(pk=scorecard_id).values("status", "version").first()
    if current is None:
        return Invalid("Unknown scorecard.")
    if current["status"] == Scorecard.Status.SUBMITTED:
        return Frozen("This scorecard is submitted and sealed; amend it with a reason instead.", status="submitted")
    return StaleVersion(
        f"Someone saved this scorecard after version {version}; reload to see version {current['version']}.",
        current_version=current["version"],
    )


def scorecard_save_draft(
    *, scorecard: Scorecard, author: AbstractUser, version: int, content: ScorecardContent
) -> Scorecard:
    """Save a draft if ``version`` is still current: a conditional update, so of any number of
    saves at one version exactly one wins (Product §4). Raises Invalid (nothing written),
    StaleVersion, or Frozen."""
    if problems := content_problems(scorecard, content):
        raise Invalid("The scorecard has invalid entries.", errors=problems)
    revision = scorecard.current_revision
    change = _content_change(scorecard, revision, content)
    complete = _ratings_complete(
        scorecard,
        change.rows_after(revision, "value_ratings"),
        change.scalars.get("recommendation", revision.recommendation),
    )
    now = timezone.now()
    claim_values = {"updated_at": now}
    if complete != (scorecard.ratings_completed_at is not None):
        claim_values["ratings_completed_at"] = now if complete else None
    claim_where = {"id": scorecard.pk, "interviewer": author.pk, "status": Scorecard.Status.DRAFT, "version": version}
    if change.updates_only and connection.vendor == "postgresql":
        # The autosave while typing: the claim and the changed rows in one statement (issue #9).
        updates = [
            rows_update_sql(rows.model, rows.names, rows.changed, guard=CLAIMED)
            for rows in change.rows.values()
            if rows.changed
        ]
        if change.scalars:
            updates.append(update_sql(ScorecardRevision, change.scalars, {"id": revision.pk}, guard=CLAIMED))
        claim = update_sql(Scorecard, claim_values, claim_where, increment="version")
        if not updates_if_claimed(claim, updates):
            raise _refusal(scorecard.pk, version)
    else:
        with transaction.atomic():
            if not update_where(Scorecard, claim_values, claim_where, increment="version"):
                raise _refusal(scorecard.pk, version)
            _apply_content(revision, change)
    for name, value in claim_values.items():
        setattr(scorecard, name, value)
    scorecard.version = version + 1
    _content_loaded(revision, change)
    return scorecard


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, by: AbstractUser, version: int | None = None) -> Scorecard:
    """Seal a complete draft. Raises Incomplete (with every problem), StaleVersion or Frozen.

    The content checked is the content sealed: the seal is a conditional update on the version
    the check read, so a save in between makes it refuse instead of sealing unchecked text, and
    of any number of submits exactly one wins (Product §4). Without an explicit ``version``
    the caller means "what is there now": a ``scorecard`` read before a save is read again."""
    if scorecard.is_submitted:
        raise Frozen("This scorecard is already submitted.", status="submitted")
    if version is not None and version != scorecard.version:
        raise StaleVersion(
            f"The scorecard changed since version {version}; reload before submitting.",
            current_version=scorecard.version,
        )
    if problems := completeness_problems(scorecard, scorecard.current_revision):
        raise Incomplete("The scorecard is not complete.", problems=problems)
    now = timezone.now()
    # The version condition pins the row to the state checked, its ratings_completed_at included.
    sealed = update_where(
        Scorecard,
        {
            "status": Scorecard.Status.SUBMITTED,
            "submitted_at": now,
            "ratings_completed_at": scorecard.ratings_completed_at or now,
            "updated_at": now,
        },
        {"id": scorecard.pk, "status": Scorecard.Status.DRAFT, "version": scorecard.version},
        increment="version",
    )
    if not sealed:
        if version is None:
            current = Scorecard.objects.with_ratings().filter(pk=scorecard.pk).first()
            if current is not None and (current.is_submitted or current.version != scorecard.version):
                return scorecard_submit(scorecard=current, by=by)
        raise _refusal(scorecard.pk, scorecard.version)
    scorecard.status, scorecard.submitted_at, scorecard.updated_at = Scorecard.Status.SUBMITTED, now, now
    scorecard.ratings_completed_at = scorecard.ratings_completed_at or now
    scorecard.version += 1
    loop_services.timeline_record(
        loop_id=scorecard.loop_id,
        actor=by,
        kind=TimelineEvent.Kind.SCORECARD_SUBMITTED,
        detail=f"{by.get_full_name() or by.username} submitted the {_round_name(scorecard)} scorecard.",
        round_id=scorecard.round_id,
        data={"scorecard": scorecard.pk},
    )
    scorecard_submitted.send(sender=Scorecard, scorecard=scorecard)
    _refresh_summary_after_commit(scorecard.loop_id)
    return scorecard


def _round_name(scorecard: Scorecard) -> str:
    return rubric_structure(scorecard.loop.rubric).rounds_by_id[scorecard.round.rubric_round_id].name


def _refresh_summary_after_commit(loop_id: int) -> None:
    """Product §6: the summary is refreshed when a scorecard is submitted or amended. It is
    marked stale in this transaction, so no read can be served the old one meanwhile."""
    summary_mark_stale(loop_id=loop_id)
    transaction.on_commit(lambda: keeper_summary_refresh_task.delay(loop_id))


def can_amend(user: AbstractUser, scorecard: Scorecard) -> bool:
    """Product §7: the author or an admin."""
    return user.pk == scorecard.interviewer_id or is_admin(user)


@transaction.atomic
def scorecard_amend(
    *, scorecard: Scorecard, by: AbstractUser, reason: str, content: ScorecardContent, version: int | None = None
) -> Scorecard:
    """Correct a submitted scorecard with a new revision: a full copy with the changes, the
    reason and whether the author had read colleagues' work first. Earlier revisions stay as
    they were. Raises Invalid, Incomplete, StaleVersion or Conflict."""
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("current_revision", "loop__rubric", "assignment", "round__rubric_round")
        .get(pk=scorecard.pk)
    )
    if not scorecard.is_submitted:
        raise Conflict("A draft is edited directly; amendments are for submitted scorecards.", status="draft")
    if version is not None and version != scorecard.version:
        raise StaleVersion(
            f"The scorecard changed since version {version}; reload before amending.", current_version=scorecard.version
        )
    if not reason.strip():
        raise Invalid("A reason is required.", errors={"reason": ["Say why the scorecard is amended."]})
    if not content.changed:
        raise Invalid("Nothing to amend.", errors={"non_field_errors": ["Send the fields that change."]})
    if problems := content_problems(scorecard, content):
        raise Invalid("The amendment has invalid entries.", errors=problems)

    previous = scorecard.current_revision
    exposed_at = exposure_first_at(user=scorecard.interviewer, loop_id=scorecard.loop_id)
    revision = ScorecardRevision.objects.create(
        scorecard=scorecard,
        number=previous.number + 1,
        kind=ScorecardRevision.Kind.AMENDMENT,
        recommendation=previous.recommendation,
        keeper=previous.keeper,
        summary=previous.summary,
        reason=reason.strip(),
        author=by,
        is_after_exposure=exposed_at is not None,
    )
    _copy_rows(previous, revision)
    _write_content(scorecard, revision, content)
    if problems := completeness_problems(scorecard, revision):
        raise Incomplete("The amended scorecard would not be complete.", problems=problems)
    scorecard.current_revision = revision
    scorecard.version += 1
    scorecard.save(update_fields=["current_revision", "version", "updated_at"])
    exposure_note = " after reading colleagues' scorecards or the summary" if exposed_at else ""
    loop_services.timeline_record(
        loop_id=scorecard.loop_id,
        actor=by,
        kind=TimelineEvent.Kind.SCORECARD_AMENDED,
        detail=(
            f"{by.get_full_name() or by.username} amended the {scorecard.round.rubric_round.name} scorecard"
            f"{exposure_note}. Reason: {reason.strip()}"
        ),
        round_id=scorecard.round_id,
        data={"scorecard": scorecard.pk, "revision": revision.number, "after_exposure": exposed_at is not None},
    )
    _refresh_summary_after_commit(scorecard.loop_id)
    return scorecard


def _copy_rows(source: ScorecardRevision, target: ScorecardRevision) -> None:
    ValueRating.objects.bulk_create(
        ValueRating(revision=target, value_id=r.value_id, rating=r.rating, evidence=r.evidence, pending=r.pending)
        for r in source.value_ratings.all()
    )
    CriterionRating.objects.bulk_create(
        CriterionRating(revision=target, criterion_id=r.criterion_id, rating=r.rating, notes=r.notes)
        for r in source.criterion_ratings.all()
    )
    RedFlag.objects.bulk_create(
        RedFlag(revision=target, failure_mode_id=r.failure_mode_id, note=r.note) for r in source.red_flags.all()
    )


def summary_exposure_record(*, user: AbstractUser, loop_id: int, known_interviewer: bool = False) -> None:
    """Note the first read of the loop's summary by someone who interviews on it."""
    if known_interviewer or Scorecard.objects.filter(loop_id=loop_id, interviewer=user).exists():
        Exposure.objects.bulk_create(
            [Exposure(user=user, loop_id=loop_id, kind=Exposure.Kind.SUMMARY)], ignore_conflicts=True
        )


def exposure_record(*, user: AbstractUser, scorecards: list[Scorecard]) -> None:
    """Note the first read of a colleague's scorecard in each loop (Product §4).
    At most one query; later reads are ignored by the unique constraint."""
    first_per_loop = {}
    for scorecard in scorecards:
        if scorecard.interviewer_id != user.pk:
            first_per_loop.setdefault(scorecard.loop_id, scorecard)
    if first_per_loop:
        Exposure.objects.bulk_create(
            [
                Exposure(user=user, loop_id=loop_id, kind=Exposure.Kind.SCORECARD, scorecard=scorecard)
                for loop_id, scorecard in first_per_loop.items()
            ],
            ignore_conflicts=True,
        )


@transaction.atomic
def keeper_decision_record(
    *, loop: Loop, by: AbstractUser, decision: str, rationale: str, answers: dict[str, str] | None = None
) -> KeeperDecision:
    """Record the director's decision on the summary as it stands, freeze a copy of it, and
    close the loop as hired or rejected. Keeping someone the bar does not clear needs an
    answer to every unmet check. Raises Invalid, IllegalMove, or Conflict if already decided."""
    loop = Loop.objects.select_for_update().select_related("rubric").get(pk=loop.pk)
    if not has_role(by, Role.DIRECTOR):
        raise Invalid("Directors decide.", errors={"non_field_errors": ["Only a director records the decision."]})
    if KeeperDecision.objects.filter(loop=loop).exists():
        raise Conflict("The Keeper Test decision for this loop is already recorded.")
    if loop.status != Loop.Status.ACTIVE:
        raise IllegalMove(f"The loop is {loop.get_status_display().lower()}.", status=loop.status)
    problems: dict[str, list[str]] = {}
    if not rationale.strip():
        problems["rationale"] = ["Give the rationale for the decision."]
    summary = keeper_summary_get(loop)
    answers = {code: text.strip() for code, text in (answers or {}).items()}
    unmet = [c for c in summary["verdict"]["checks"] if not c["met"]]
    if decision == KeeperDecision.Decision.KEEP and unmet:
        missing = [c for c in unmet if not answers.get(c["code"])]
        if missing:
            problems["answers"] = [f"Answer {c['code']!r}: {c['detail']}" for c in missing]
    unknown = sorted(set(answers) - {c["code"] for c in unmet})
    if unknown:
        problems.setdefault("answers", []).extend(
            f"{code!r} is not an unmet check of this summary." for code in unknown
        )
    if problems:
        raise Invalid("The decision cannot be recorded.", errors=problems)
    try:
        with transaction.atomic():
            record = KeeperDecision.objects.create(
                loop=loop,
                decision=decision,
                rationale=rationale.strip(),
                answers=answers,
                summary_snapshot=summary,
                by=by,
            )
    except IntegrityError:
        raise Conflict("The Keeper Test decision for this loop is already recorded.") from None
    label = KeeperDecision.Decision(decision).label
    loop_services.timeline_record(
        loop_id=loop.pk,
        actor=by,
        kind=TimelineEvent.Kind.DECISION_RECORDED,
        detail=f"Keeper Test decision: {label}. Verdict {'met' if summary['verdict']['met'] else 'not met'}.",
        data={"decision": decision, "verdict_met": summary["verdict"]["met"]},
    )
    loop_decided.send(sender=KeeperDecision, decision=record)
    target = Loop.Status.HIRED if decision == KeeperDecision.Decision.KEEP else Loop.Status.REJECTED
    loop_services.loop_move(loop=loop, to=target, by=by, reason=f"Keeper Test decision: {label}.")
    return record
