"""Candidates and the loops they go through (Product §3)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from keeper.history import tracked, tracked_links
from loops.querysets import LoopQuerySet


@tracked()
class Candidate(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    level = models.SlugField(max_length=40, help_text="Target level: a level slug of the rubric.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    anonymized_at = models.DateTimeField(
        null=True, blank=True, help_text="When the personal data was removed (retention or erasure request)."
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # One record per person; erased candidates keep an empty email (see the privacy issue).
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="candidate_unique_email"),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class Loop(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Pace(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OVERDUE = "overdue", "Overdue"

    OPEN_STATUSES = (Status.ACTIVE, Status.ON_HOLD)

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="loops")
    rubric = models.ForeignKey("rubric.Rubric", on_delete=models.PROTECT, related_name="loops")
    hiring_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loops_managed")
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="loops_recruited"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField()
    # Product §3: the 6-10 week window, fixed from the pinned rubric version when the loop opens.
    at_risk_from = models.DateField(help_text="Past this date (the window's lower bound) an open loop is at risk.")
    due_by = models.DateField(help_text="The window's upper bound; past it an open loop is overdue.")
    current_round = models.ForeignKey("loops.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LoopQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            # A candidate is in at most one open loop at a time.
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(status__in=["active", "on_hold"]), name="loop_one_open_per_candidate"
            ),
            models.CheckConstraint(condition=Q(due_by__gte=models.F("started_on")), name="loop_due_after_start"),
        ]
        indexes = [models.Index(fields=["status", "due_by"], name="loop_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.candidate} ({self.rubric.name})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def reference_date(self, today: date | None = None) -> date:
        """Open loops are measured to today, closed ones to the day they closed."""
        if not self.is_open and self.closed_on:
            return self.closed_on
        return today or timezone.localdate()

    def weeks_elapsed(self, today: date | None = None) -> float:
        days = (self.reference_date(today) - self.started_on).days
        return round(max(days, 0) / 7, 1)

    def pace(self, today: date | None = None) -> str:
        """Product §3: overdue past due_by with no decision; at risk past the window's lower bound."""
        reference = self.reference_date(today)
        if reference > self.due_by:
            return self.Pace.OVERDUE
        if self.is_open and reference > self.at_risk_from:
            return self.Pace.AT_RISK
        return self.Pace.ON_TRACK


@tracked()
class Round(models.Model):
    """One step of one loop, an instance of a ``rubric.RubricRound``."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    class Outcome(models.TextChoices):
        ADVANCE = "advance", "Advance"
        REJECT = "reject", "Reject"

    FINISHED_STATUSES = (Status.DONE, Status.SKIPPED)

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="rounds")
    rubric_round = models.ForeignKey("rubric.RubricRound", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    block = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interviews",
        help_text="The scheduling block (the onsite) this interview runs inside.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    scheduled_start = models.DateTimeField(null=True, blank=True)
    scheduled_end = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Product §3: where the interview happens, carried by the interviewers' calendar invitations.
    location = models.CharField(max_length=300, blank=True, help_text="A room or an address.")
    video_url = models.URLField(max_length=500, blank=True, help_text="The video call's link (http or https).")
    # Product §4: scorecard deadlines in two stages, from the end of the interview.
    ratings_due_at = models.DateTimeField(null=True, blank=True)
    evidence_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["loop_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["loop", "rubric_round"], name="round_unique_step"),
            models.UniqueConstraint(fields=["loop", "order"], name="round_unique_order"),
            models.CheckConstraint(
                condition=Q(scheduled_start__isnull=True)
                | Q(scheduled_end__isnull=True)
                | Q(scheduled_end__gt=models.F("scheduled_start")),
                name="round_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(outcome="") | Q(status="done"), name="round_outcome_only_when_done"),
        ]
        indexes = [
            # The reminder sweep looks for deadlines that have passed.
            models.Index(fields=["ratings_due_at"], name="round_ratings_due_idx"),
            models.Index(fields=["evidence_due_at"], name="round_evidence_due_idx"),
            # The reminder before an interview looks for ones about to start (Product §6).
            models.Index(fields=["scheduled_start"], name="round_scheduled_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rubric_round.name} for {self.loop_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES


@tracked()
class Assignment(models.Model):
    """An interviewer on a round with the questions they will ask and the values in focus."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    questions = models.ManyToManyField("rubric.Question", blank=True, related_name="+")
    values_in_focus = models.ManyToManyField("rubric.RubricValue", blank=True, related_name="+")
    notes = models.TextField(blank=True, help_text="Briefing from the hiring manager, for this interviewer only.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "interviewer"], name="assignment_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} on {self.round_id}"


# An assignment's questions and values in focus are part of its history (issue #11).
tracked_links(Assignment.questions.through, model_name="AssignmentQuestionEvent")
tracked_links(Assignment.values_in_focus.through, model_name="AssignmentValueEvent")


class TimelineEvent(models.Model):
    """Every change of a loop, its rounds and assignments, written in the same
    transaction as the change (Product §3)."""

    class Kind(models.TextChoices):
        LOOP_OPENED = "loop_opened", "Loop opened"
        LOOP_STATUS = "loop_status", "Loop status changed"
        ROUND_SCHEDULED = "round_scheduled", "Round scheduled"
        ROUND_STATUS = "round_status", "Round status changed"
        ROUND_OUTCOME = "round_outcome", "Round outcome recorded"
        COVERAGE_OVERRIDE = "coverage_override", "Coverage gaps overridden"
        ASSIGNMENT_CREATED = "assignment_created", "Interviewer assigned"
        ASSIGNMENT_CHANGED = "assignment_changed", "Assignment changed"
        ASSIGNMENT_REMOVED = "assignment_removed", "Interviewer removed"
        SCORECARD_SUBMITTED = "scorecard_submitted", "Scorecard submitted"
        SCORECARD_AMENDED = "scorecard_amended", "Scorecard amended"
        DECISION_RECORDED = "decision_recorded", "Keeper Test decision recorded"

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.TextField()
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["loop_id", "at", "pk"]
        indexes = [models.Index(fields=["loop", "at"], name="timeline_loop_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}: {self.detail}"
