"""Interviewer scorecards (Product §4).

A scorecard's content lives in revisions. While the scorecard is a draft its one
revision is the working copy; submitting seals it; an amendment is a new revision
(a full copy with the changes), so no sealed row is ever updated. PostgreSQL enforces the
seal against any write (scorecards/sealing.py); every change is recorded (keeper/history.py)."""

import json

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from keeper.history import tracked
from scorecards.querysets import ScorecardQuerySet
from scorecards.sealing import content_triggers, scorecard_triggers

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class KeeperSignal(models.TextChoices):
    YES = "yes", "Yes, I would fight to keep them"
    NO = "no", "No"


@tracked()
class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    assignment = models.OneToOneField("loops.Assignment", on_delete=models.PROTECT, related_name="scorecard")
    loop = models.ForeignKey("loops.Loop", on_delete=models.CASCADE, related_name="scorecards")
    round = models.ForeignKey("loops.Round", on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every write; a stale write is refused.")
    current_revision = models.OneToOneField(
        "scorecards.ScorecardRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ratings_completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When every value in focus was rated and a recommendation given."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["loop_id", "round__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="scorecard_submitted_at_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "loop"], name="scorecard_status_loop_idx"),
            models.Index(fields=["interviewer", "status"], name="scorecard_interviewer_idx"),
            models.Index(fields=["status", "round"], name="scorecard_status_round_idx"),
        ]
        triggers = scorecard_triggers()

    def __str__(self) -> str:
        return f"Scorecard {self.pk} by {self.interviewer} ({self.status})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def deadline(self, now) -> tuple:
        """(due_at, overdue): the next deadline not yet met, None once submitted (Product §4, §7.1).
        Ratings and recommendation are due first, the written evidence later."""
        if self.is_submitted:
            return None, False
        due_at = self.round.ratings_due_at if self.ratings_completed_at is None else self.round.evidence_due_at
        if due_at is None:
            due_at = self.round.evidence_due_at
        return due_at, due_at is not None and now > due_at


@tracked()
class ScorecardRevision(models.Model):
    """One state of a scorecard's content: the draft (number 1 until submitted),
    then one more per amendment, each with its reason."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Original"
        AMENDMENT = "amendment", "Amendment"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ORIGINAL)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    keeper = models.CharField(max_length=8, choices=KeeperSignal.choices, blank=True)
    summary = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why an amendment was made.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_after_exposure = models.BooleanField(
        default=False, help_text="Made after the author had read another interviewer's scorecard or the summary."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="revision_unique_number"),
            models.CheckConstraint(condition=Q(kind="original") | ~Q(reason=""), name="revision_amendment_has_reason"),
        ]
        triggers = content_triggers("a revision", is_revision=True, inserts=False)

    def __str__(self) -> str:
        return f"Revision {self.number} of scorecard {self.scorecard_id}"


@tracked()
class ValueRating(models.Model):
    """A rating of one value in focus; ``rating`` is null for "not assessed"."""

    revision = models.ForeignKey(ScorecardRevision, on_delete=models.CASCADE, related_name="value_ratings")
    value = models.ForeignKey("rubric.RubricValue", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING_VALIDATORS)
    evidence = models.TextField(blank=True)
    pending = models.BooleanField(
        default=False, help_text="Evidence written before a rating was chosen: neither rated nor 'not assessed'."
    )

    class Meta:
        ordering = ["revision_id", "value__order"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "value"], name="value_rating_once_per_revision"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4), name="value_rating_on_scale"
            ),
            models.CheckConstraint(
                condition=Q(pending=False) | Q(rating__isnull=True), name="value_rating_pending_unrated"
            ),
        ]
        triggers = content_triggers("a value rating")

    def __str__(self) -> str:
        return f"{self.value_id}: {self.rating if self.rating is not None else 'not assessed'}"


@tracked()
class CriterionRating(models.Model):
    revision = models.ForeignKey(ScorecardRevision, on_delete=models.CASCADE, related_name="criterion_ratings")
    criterion = models.ForeignKey("rubric.Criterion", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING_VALIDATORS)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["revision_id", "criterion__question__number", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "criterion"], name="criterion_rating_once_per_revision"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4), name="criterion_rating_on_scale"
            ),
        ]
        triggers = content_triggers("a criterion rating")

    def __str__(self) -> str:
        return f"criterion {self.criterion_id}: {self.rating}"


@tracked()
class RedFlag(models.Model):
    revision = models.ForeignKey(ScorecardRevision, on_delete=models.CASCADE, related_name="red_flags")
    failure_mode = models.ForeignKey("rubric.FailureMode", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["revision_id", "failure_mode__order"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "failure_mode"], name="red_flag_once_per_revision"),
        ]
        triggers = content_triggers("a red flag")

    def __str__(self) -> str:
        return f"red flag {self.failure_mode_id}"


class Exposure(models.Model):
    """The first time a person read another interviewer's scorecard, or the loop summary
    (Product §4): amendments made after it are marked."""

    class Kind(models.TextChoices):
        SCORECARD = "scorecard", "Another interviewer's scorecard"
        SUMMARY = "summary", "The Keeper Test summary"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    loop = models.ForeignKey("loops.Loop", on_delete=models.CASCADE, related_name="exposures")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    scorecard = models.ForeignKey(Scorecard, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loop_id", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scorecard"], condition=Q(kind="scorecard"), name="exposure_once_per_scorecard"
            ),
            models.UniqueConstraint(
                fields=["user", "loop"], condition=Q(kind="summary"), name="exposure_once_per_summary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.kind} of loop {self.loop_id} at {self.at}"


class KeeperSummary(models.Model):
    """The loop's summary, stored as rendered JSON so reads serve it without recomputing.

    Never stale: every submit or amendment bumps ``wanted`` in its own transaction; a stored
    text is served only while ``computed_for`` (the ``wanted`` read before the scorecards
    were) still equals it, and recomputed first otherwise (Product §5, §6)."""

    loop = models.OneToOneField("loops.Loop", on_delete=models.CASCADE, related_name="keeper_summary")
    wanted = models.PositiveIntegerField(default=1)
    computed_for = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True, help_text="The summary as JSON, less the timeline and decision.")
    computed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Keeper summary of loop {self.loop_id}"

    @property
    def is_current(self) -> bool:
        return bool(self.text) and self.computed_for == self.wanted

    @property
    def data(self) -> dict:
        return json.loads(self.text) if self.text else {}


@tracked()
class KeeperDecision(models.Model):
    """The director's Keeper Test decision (Product §5), with the summary it was made on."""

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep: we would fight to keep this person"
        DO_NOT_KEEP = "do_not_keep", "Do not keep"

    loop = models.OneToOneField("loops.Loop", on_delete=models.PROTECT, related_name="keeper_decision")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    rationale = models.TextField()
    answers = models.JSONField(
        default=dict, blank=True, help_text="For a keep against an unmet bar: an answer to each unmet check."
    )
    summary_snapshot = models.JSONField(help_text="The summary exactly as it stood when the decision was made.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for loop {self.loop_id}"


class Reminder(models.Model):
    """One reminder sent: the row is claimed in the same transaction as the email, so no
    scorecard is reminded twice for one stage on one day, whoever runs the sweep (Product §6)."""

    class Stage(models.TextChoices):
        RATINGS = "ratings", "Ratings and recommendation overdue"
        EVIDENCE = "evidence", "Written evidence overdue"
        ESCALATION = "escalation", "Hiring manager told"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    sent_on = models.DateField()
    recipient = models.EmailField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard_id", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "stage", "sent_on"], name="reminder_once_per_stage_and_day"),
            # The hiring manager is told about a scorecard once; the daily digest keeps them informed.
            models.UniqueConstraint(
                fields=["scorecard"], condition=Q(stage="escalation"), name="reminder_escalate_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} reminder for scorecard {self.scorecard_id} on {self.sent_on}"


class DigestSent(models.Model):
    """A hiring manager's daily digest, claimed once per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"digest for {self.user_id} on {self.sent_on}"


class InterviewReminder(models.Model):
    """One reminder before an interview, claimed in the same transaction as its email: once per
    scorecard and start time, so a moved interview is reminded again at its new time (Product §6)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="interview_reminders")
    scheduled_start = models.DateTimeField(help_text="The start the reminder was for.")
    recipient = models.EmailField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard_id", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "scheduled_start"], name="interview_reminder_once_per_start")
        ]

    def __str__(self) -> str:
        return f"reminder before the interview of scorecard {self.scorecard_id} at {self.scheduled_start}"
