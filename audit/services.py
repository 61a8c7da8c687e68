"""Candidate privacy (issue #11, Product §3, §9): anonymization when the retention period
has passed, and erasure on request. Both remove the same things, in one transaction:

- the candidate's name (it becomes "Anonymized candidate #N") and email;
- every free text written about them: evidence, criterion notes, red-flag notes, summaries,
  amendment reasons, the decision's rationale and answers, assignment briefings, and the
  reasons quoted on the timeline, in the live tables, in their history (event) tables and in
  the frozen copies (the stored Keeper summary, the decision's summary snapshot);
- their name in the Django admin's log.

Numbers stay: ratings, recommendations, Keeper signals, red flags' failure modes and every
link to the rubric, so org-wide figures do not change. Sealed scorecards and append-only
history refuse these writes to anyone else; this module alone passes their triggers."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pgtrigger
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.models import Erasure
from keeper.errors import Conflict, Invalid
from loops import models as loop_models
from loops.detail import loop_detail_forget
from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent
from mail.models import OutgoingEmail
from scorecards import models as card_models
from scorecards.models import (
    CriterionRating,
    KeeperDecision,
    KeeperSummary,
    RedFlag,
    Scorecard,
    ScorecardRevision,
    ValueRating,
)

REMOVED = "[removed under the privacy policy]"
# JSON keys whose values are what someone wrote (the summary and the decision's snapshot of it).
FREE_TEXT_KEYS = {"evidence", "note", "notes", "rationale", "summary", "reason"}
ENDED = (Loop.Status.REJECTED, Loop.Status.WITHDRAWN)
KEPT = (Loop.Status.ACTIVE, Loop.Status.ON_HOLD, Loop.Status.HIRED)


def anonymized_name(candidate_id: int) -> str:
    return f"Anonymized candidate #{candidate_id}"


# Which candidates are due -------------------------------------------------------------------


def candidates_due_for_anonymization(*, today: date, days: int | None = None) -> QuerySet[Candidate]:
    """Candidates whose loops have all ended rejected or withdrawn, the latest at least
    ``days`` (RETENTION_DAYS) ago. A loop that is open, hired, or ended inside the period
    keeps them: entering a new loop restarts the clock, and hired candidates are kept."""
    cutoff = today - timedelta(days=settings.RETENTION_DAYS if days is None else days)
    loops = Loop.objects.filter(candidate=OuterRef("pk"))
    return (
        Candidate.objects.filter(anonymized_at__isnull=True)
        .filter(Exists(loops.filter(status__in=ENDED)))
        .exclude(Exists(loops.filter(status__in=KEPT)))
        .exclude(Exists(loops.filter(closed_on__gt=cutoff)))
        .exclude(Exists(loops.filter(closed_on__isnull=True)))
    )


def retention_sweep(*, today: date) -> int:
    """Anonymize every candidate whose retention period has passed, each in its own
    transaction. Idempotent: an anonymized candidate is never selected again. Returns how many."""
    done = 0
    for candidate_id in candidates_due_for_anonymization(today=today).values_list("pk", flat=True):
        ended_on = (
            Loop.objects.filter(candidate_id=candidate_id).order_by("-closed_on").values_list("closed_on", flat=True)[0]
        )
        erasure = candidate_anonymize(
            candidate_id=candidate_id,
            kind=Erasure.Kind.RETENTION,
            reason=f"Retention: {settings.RETENTION_DAYS} days passed since the last loop ended on {ended_on}.",
            by=None,
            via="task",
            today=today,
        )
        done += erasure is not None
    return done


def candidate_erase(*, candidate: Candidate, reason: str, by: AbstractUser | None, via: str) -> Erasure:
    """Erasure on request: anonymize at once, whatever the retention clock says. Raises Invalid
    (no reason, or a reason naming the candidate: the record keeps no personal data) or Conflict
    (a loop still open, or already anonymized)."""
    reason = reason.strip()
    if not reason:
        raise Invalid("A reason is required.", errors={"reason": ["Say why the candidate is erased."]})
    if _names_candidate(reason, candidate):
        raise Invalid(
            "The reason names the candidate.",
            errors={
                "reason": ["Leave the candidate's name and email out of the reason: the record keeps no personal data."]
            },
        )
    if candidate.anonymized_at is not None:
        raise Conflict(f"Candidate #{candidate.pk} was already anonymized on {candidate.anonymized_at:%Y-%m-%d}.")
    erasure = candidate_anonymize(candidate_id=candidate.pk, kind=Erasure.Kind.REQUEST, reason=reason, by=by, via=via)
    if erasure is None:  # anonymized meanwhile
        raise Conflict(f"Candidate #{candidate.pk} was already anonymized.")
    return erasure


def _names_candidate(text: str, candidate: Candidate) -> bool:
    lowered = text.lower()
    return any(part and part.lower() in lowered for part in (candidate.name.strip(), candidate.email.strip()))


# Anonymizing ----------------------------------------------------------------------------------


@dataclass
class CandidateRows:
    """Every row that is about one candidate, live or only in history (a removed draft, a
    deleted assignment): ids collected from both, so nothing is left behind in the event tables."""

    candidate: int
    loops: set[int] = field(default_factory=set)
    rounds: set[int] = field(default_factory=set)
    assignments: set[int] = field(default_factory=set)
    scorecards: set[int] = field(default_factory=set)
    revisions: set[int] = field(default_factory=set)


def _ids(*querysets: QuerySet) -> set[int]:
    return {pk for queryset in querysets for pk in queryset}


def candidate_rows(candidate_id: int) -> CandidateRows:
    rows = CandidateRows(candidate=candidate_id)
    rows.loops = _ids(
        Loop.objects.filter(candidate_id=candidate_id).values_list("pk", flat=True),
        loop_models.LoopEvent.objects.filter(candidate_id=candidate_id).values_list("pgh_obj_id", flat=True),
    )
    rows.rounds = _ids(
        Round.objects.filter(loop_id__in=rows.loops).values_list("pk", flat=True),
        loop_models.RoundEvent.objects.filter(loop_id__in=rows.loops).values_list("pgh_obj_id", flat=True),
    )
    rows.assignments = _ids(
        Assignment.objects.filter(round_id__in=rows.rounds).values_list("pk", flat=True),
        loop_models.AssignmentEvent.objects.filter(round_id__in=rows.rounds).values_list("pgh_obj_id", flat=True),
    )
    rows.scorecards = _ids(
        Scorecard.objects.filter(loop_id__in=rows.loops).values_list("pk", flat=True),
        card_models.ScorecardEvent.objects.filter(loop_id__in=rows.loops).values_list("pgh_obj_id", flat=True),
    )
    rows.revisions = _ids(
        ScorecardRevision.objects.filter(scorecard_id__in=rows.scorecards).values_list("pk", flat=True),
        card_models.ScorecardRevisionEvent.objects.filter(scorecard_id__in=rows.scorecards).values_list(
            "pgh_obj_id", flat=True
        ),
    )
    return rows


@dataclass(frozen=True)
class FreeText:
    """Columns of one tracked table that hold what people wrote, and how its rows (live, and in
    its event table) are found from a candidate's ids."""

    model: type
    fields: tuple[str, ...]
    live_lookup: str
    event_lookup: str
    ids: str


FREE_TEXT = (
    FreeText(Assignment, ("notes",), "pk__in", "pgh_obj_id__in", "assignments"),
    FreeText(ScorecardRevision, ("summary", "reason"), "pk__in", "pgh_obj_id__in", "revisions"),
    FreeText(ValueRating, ("evidence",), "revision_id__in", "revision_id__in", "revisions"),
    FreeText(CriterionRating, ("notes",), "revision_id__in", "revision_id__in", "revisions"),
    FreeText(RedFlag, ("note",), "revision_id__in", "revision_id__in", "revisions"),
    FreeText(KeeperDecision, ("rationale",), "loop_id__in", "loop_id__in", "loops"),
)
SEALED = (ScorecardRevision, ValueRating, CriterionRating, RedFlag)


def event_model(model: type) -> type:
    """The history table django-pghistory made for ``model`` (``<Model>Event``)."""
    module = loop_models if model._meta.app_label == "loops" else card_models
    return getattr(module, f"{model.__name__}Event")


def _passing_the_seal():
    """Pass the sealing triggers and the event tables' append-only triggers for the writes
    inside: the one deliberate exception to both, used by ``candidate_anonymize`` only."""
    rewritten = [Candidate, *(text.model for text in FREE_TEXT)]
    uris = [f"{m._meta.label}:sealed_update" for m in SEALED]
    uris += [f"{event_model(m)._meta.label}:append_only" for m in rewritten]
    return pgtrigger.ignore(*uris)


@transaction.atomic
def candidate_anonymize(
    *,
    candidate_id: int,
    kind: str,
    reason: str,
    by: AbstractUser | None,
    via: str,
    today: date | None = None,
) -> Erasure | None:
    """Remove a candidate's personal data everywhere Keeper holds it (see the module docstring)
    and leave an ``Erasure`` record. Idempotent: None if already anonymized, or, for the
    retention rule, no longer due (a loop opened since the sweep chose them). Raises Conflict
    for a request while one of their loops is open."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
    if candidate.anonymized_at is not None:
        return None
    if kind == Erasure.Kind.RETENTION:
        due = candidates_due_for_anonymization(today=today or timezone.localdate())
        if not due.filter(pk=candidate_id).exists():
            return None
    elif Loop.objects.open().filter(candidate_id=candidate_id).exists():
        raise Conflict(f"Candidate #{candidate_id} is in an open loop; withdraw it first.")
    rows = candidate_rows(candidate_id)
    names = _personal_strings(candidate)
    label = anonymized_name(candidate_id)
    counts: dict[str, int] = {}

    def count(model: type, n: int) -> None:
        if n:
            counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + n

    with _passing_the_seal():
        for text in FREE_TEXT:
            ids = getattr(rows, text.ids)
            events = event_model(text.model)
            for column in text.fields:
                count(text.model, _blank_out(text.model.objects.filter(**{text.live_lookup: ids}), column))
                count(events, _blank_out(events.objects.filter(**{text.event_lookup: ids}), column))
        decisions = event_model(KeeperDecision)
        count(KeeperDecision, _scrub_decisions(KeeperDecision.objects.filter(loop_id__in=rows.loops), names, label))
        count(decisions, _scrub_decisions(decisions.objects.filter(loop_id__in=rows.loops), names, label))
        candidate.name, candidate.email, candidate.anonymized_at = label, "", timezone.now()
        candidate.save(update_fields=["name", "email", "anonymized_at"])
        count(Candidate, 1)
        count(
            event_model(Candidate),
            event_model(Candidate).objects.filter(pgh_obj_id=candidate_id).update(name=label, email=""),
        )
    # The stored summary is recomputed from the rewritten rows on its next read (scorecards.summary_store).
    count(
        KeeperSummary,
        KeeperSummary.objects.filter(loop_id__in=rows.loops).update(text="", computed_for=0, wanted=F("wanted") + 1),
    )
    count(TimelineEvent, _scrub_timeline(TimelineEvent.objects.filter(loop_id__in=rows.loops), names, label))
    count(LogEntry, _scrub_admin_log(rows, names, label))
    count(OutgoingEmail, _scrub_outbox(names, label))
    # The API keeps each loop's detail rendered (loops.detail); these writes record no timeline
    # event, so its kept copy is dropped once they are committed, not served from memory.
    transaction.on_commit(lambda loops=tuple(rows.loops): loop_detail_forget(*loops))
    return Erasure.objects.create(candidate=candidate, kind=kind, reason=reason, by=by, via=via, rows=counts)


def _personal_strings(candidate: Candidate) -> list[str]:
    """Every name and email the candidate has had, longest first (so a full name goes before a
    part of it), from the row and its history."""
    found = {candidate.name, candidate.email}
    for name, email in event_model(Candidate).objects.filter(pgh_obj_id=candidate.pk).values_list("name", "email"):
        found.update((name, email))
    return sorted((s.strip() for s in found if s and s.strip()), key=len, reverse=True)


def _replace_names(text: str, names: Iterable[str], label: str) -> str:
    for name in names:
        text = re.sub(re.escape(name), label, text, flags=re.IGNORECASE)
    return text


def _blank_out(queryset: QuerySet, column: str) -> int:
    """Replace a free-text column wherever something was written; empty stays empty."""
    return queryset.exclude(**{column: ""}).update(**{column: REMOVED})


def _scrub_json(value, names: list[str], label: str):
    """A copy of ``value`` with every free-text entry replaced and names taken out of the rest."""
    if isinstance(value, dict):
        return {key: _scrub_entry(key, item, names, label) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_json(item, names, label) for item in value]
    if isinstance(value, str):
        return _replace_names(value, names, label)
    return value


def _scrub_entry(key: str, item, names: list[str], label: str):
    if key == "answers" and isinstance(item, dict):
        return {code: REMOVED for code in item}
    if key in FREE_TEXT_KEYS and isinstance(item, str) and item:
        return REMOVED
    return _scrub_json(item, names, label)


def _scrub_decisions(queryset: QuerySet, names: list[str], label: str) -> int:
    """The decision's answers and its frozen summary (JSON), row by row: a loop has one decision."""
    changed = 0
    for row in queryset.only("pk", "answers", "summary_snapshot"):
        answers = {code: REMOVED for code in row.answers or {}}
        snapshot = _scrub_json(row.summary_snapshot, names, label)
        if answers != row.answers or snapshot != row.summary_snapshot:
            type(row).objects.filter(pk=row.pk).update(answers=answers, summary_snapshot=snapshot)
            changed += 1
    return changed


REASON = re.compile(r"(Reason: ).*$", re.DOTALL)


def _scrub_timeline(queryset: QuerySet, names: list[str], label: str) -> int:
    """Timeline details quote the candidate's name and the reasons people gave."""
    changed = []
    for event in queryset.only("pk", "detail", "data"):
        detail = _replace_names(REASON.sub(rf"\g<1>{REMOVED}", event.detail), names, label)
        data = _scrub_json(event.data, names, label)
        if detail != event.detail or data != event.data:
            event.detail, event.data = detail, data
            changed.append(event)
    TimelineEvent.objects.bulk_update(changed, ["detail", "data"])
    return len(changed)


def _scrub_outbox(names: list[str], label: str) -> int:
    """Reminders and digests quote the candidate's name in the emails the outbox keeps
    (mail.services); a digest names several candidates, so only theirs is replaced."""
    quoting = Q()
    for name in names:
        quoting |= Q(subject__icontains=name) | Q(body__icontains=name)
    changed = []
    for email in OutgoingEmail.objects.filter(quoting).only("pk", "subject", "body"):
        email.subject, email.body = (
            _replace_names(email.subject, names, label),
            _replace_names(email.body, names, label),
        )
        changed.append(email)
    OutgoingEmail.objects.bulk_update(changed, ["subject", "body"])
    return len(changed)


def _scrub_admin_log(rows: CandidateRows, names: list[str], label: str) -> int:
    """The admin's log names objects by their ``str()``, which for a candidate and their loops is
    the candidate's name; change messages may quote it too."""
    targets = {
        Candidate: {rows.candidate},
        Loop: rows.loops,
        Round: rows.rounds,
        Assignment: rows.assignments,
        Scorecard: rows.scorecards,
        ScorecardRevision: rows.revisions,
    }
    changed = []
    for model, ids in targets.items():
        content_type = ContentType.objects.get_for_model(model)
        entries = LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in ids])
        for entry in entries.only("pk", "object_repr", "change_message"):
            repr_ = label if model is Candidate else _replace_names(entry.object_repr, names, label)
            message = _replace_names(entry.change_message, names, label)
            if (repr_, message) != (entry.object_repr, entry.change_message):
                entry.object_repr, entry.change_message = repr_, message
                changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["object_repr", "change_message"])
    return len(changed)
