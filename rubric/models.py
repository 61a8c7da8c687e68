"""The versioned rubric (Product §2). A published version is frozen: the guard
in ``FrozenWhenPublished`` refuses saves and deletes through the ORM, and
``rubric.guards`` refuses many-to-many changes."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from keeper.errors import Frozen
from rubric.querysets import RubricQuerySet

RATING_POINTS = (1, 2, 3, 4)


class Rubric(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(blank=True)
    window_min_weeks = models.PositiveSmallIntegerField(default=6)
    window_max_weeks = models.PositiveSmallIntegerField(default=10)
    # Product §3: the coverage target.
    reads_per_value = models.PositiveSmallIntegerField(
        default=2,
        help_text="How many different interviewers should rate each value in a loop; the loop warns, "
        "before the director round is scheduled, about every value below this target.",
    )
    # The Keeper bar (Product §5): thresholds the summary applies, tunable per version.
    bar_strong_mean = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.50"),
        help_text="A value is 'strong' at or above this mean with no rating under 3.",
    )
    bar_meets_mean = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.00"),
        help_text="A value 'meets' the bar at or above this mean; below it is a 'concern'.",
    )
    bar_min_keeper_yes_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Share of interviewers' Keeper signals that must be 'yes'.",
    )
    bar_strong_no_blocks = models.BooleanField(default=True, help_text="Any 'strong no' fails the bar.")
    bar_blocking_flag_blocks = models.BooleanField(default=True, help_text="Any blocking red flag fails the bar.")
    bar_evidence_required_for_every_value = models.BooleanField(
        default=True, help_text="A value with no evidence fails the bar."
    )
    disagreement_points = models.PositiveSmallIntegerField(
        default=2, help_text="Ratings this many points apart count as a disagreement."
    )
    # Product §8.1: the verdict uses raw scores unless the version says otherwise.
    bar_calibrated = models.BooleanField(
        default=False,
        help_text="Compare each value's calibrated mean (every rating less its interviewer's shrunk leniency, "
        "from the calibration report) with the bar, instead of the raw mean. The raw mean is always shown.",
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = RubricQuerySet.as_manager()

    # Fields the publishing services may still write on a frozen version.
    LIFECYCLE_FIELDS = frozenset({"status", "published_at", "retired_at"})

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="rubric_unique_slug_version"),
            # Exactly one default per rubric line: the published version (Product §2).
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="published"), name="rubric_one_published_per_slug"
            ),
            models.CheckConstraint(
                condition=Q(window_min_weeks__lte=F("window_max_weeks")), name="rubric_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(bar_meets_mean__gte=1, bar_meets_mean__lte=F("bar_strong_mean"), bar_strong_mean__lte=4),
                name="rubric_bar_means_on_scale",
            ),
            models.CheckConstraint(
                condition=Q(bar_min_keeper_yes_share__gte=0, bar_min_keeper_yes_share__lte=1),
                name="rubric_bar_share_is_fraction",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="rubric_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.status})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def keeper_bar(self) -> dict:
        return {
            "strong_mean": float(self.bar_strong_mean),
            "meets_mean": float(self.bar_meets_mean),
            "min_keeper_yes_share": float(self.bar_min_keeper_yes_share),
            "strong_no_blocks": self.bar_strong_no_blocks,
            "blocking_flag_blocks": self.bar_blocking_flag_blocks,
            "evidence_required_for_every_value": self.bar_evidence_required_for_every_value,
            "disagreement_points": self.disagreement_points,
            "calibrated": self.bar_calibrated,
        }

    def save(self, *args, **kwargs):
        if self.pk is not None:
            update_fields = kwargs.get("update_fields")
            only_lifecycle = update_fields is not None and set(update_fields) <= self.LIFECYCLE_FIELDS
            if not only_lifecycle and rubric_is_frozen(self.pk):
                raise Frozen(f"{self} is frozen; create a new draft version to change it.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and rubric_is_frozen(self.pk):
            raise Frozen(f"{self} is frozen and cannot be deleted.")
        return super().delete(*args, **kwargs)


def rubric_is_frozen(rubric_id: int) -> bool:
    """Reads the stored status, not the instance's, so an edited instance cannot unfreeze itself."""
    status = Rubric.objects.filter(pk=rubric_id).values_list("status", flat=True).first()
    return status is not None and status != Rubric.Status.DRAFT


class FrozenWhenPublished(models.Model):
    """Refuses saves and deletes of a part of a published or retired rubric version."""

    class Meta:
        abstract = True

    def owning_rubric_id(self) -> int | None:
        return self.rubric_id

    def _refuse_if_frozen(self) -> None:
        rubric_id = self.owning_rubric_id()
        if rubric_id is not None and rubric_is_frozen(rubric_id):
            raise Frozen("This rubric version is frozen; create a new draft version to change it.")

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)


class RubricValue(FrozenWhenPublished):
    """One culture value with a behavioural anchor for each point of the 4-point scale."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="values")
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    definition = models.TextField()
    anchor_1 = models.TextField("1 - strong no")
    anchor_2 = models.TextField("2 - no")
    anchor_3 = models.TextField("3 - yes")
    anchor_4 = models.TextField("4 - strong yes")

    class Meta:
        ordering = ["rubric_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "slug"], name="rubric_value_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def anchors(self) -> dict[str, str]:
        return {str(point): getattr(self, f"anchor_{point}") for point in RATING_POINTS}


class RubricRound(FrozenWhenPublished):
    """One step of the rubric's loop template; ``loops.Round`` is its instance in a loop."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        BLOCK = "block", "Scheduling block"

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INTERVIEW)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    purpose = models.TextField(blank=True)
    block = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
        help_text="The scheduling block (the onsite) this interview belongs to.",
    )
    block_min_days = models.PositiveSmallIntegerField(null=True, blank=True)
    block_max_days = models.PositiveSmallIntegerField(null=True, blank=True)
    values_in_focus = models.ManyToManyField(RubricValue, blank=True, related_name="rounds_in_focus")
    # Product §5: the director's round.
    is_decision_round = models.BooleanField(
        default=False,
        help_text="The final round, run by a director, whose Keeper Test decision closes the loop.",
    )
    # Product §4: deadlines in two stages, counted from the end of the interview.
    ratings_due_hours = models.PositiveSmallIntegerField(null=True, blank=True, default=1)
    evidence_due_hours = models.PositiveSmallIntegerField(null=True, blank=True, default=24)

    class Meta:
        ordering = ["rubric_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "slug"], name="rubric_round_unique_slug"),
            models.UniqueConstraint(fields=["rubric", "order"], name="rubric_round_unique_order"),
            models.CheckConstraint(
                condition=Q(kind="block", block__isnull=True, duration_minutes__isnull=True)
                | Q(kind="interview", duration_minutes__isnull=False, block_min_days__isnull=True),
                name="rubric_round_kind_shape",
            ),
            models.CheckConstraint(
                condition=Q(ratings_due_hours__isnull=True)
                | Q(evidence_due_hours__isnull=True)
                | Q(ratings_due_hours__lte=F("evidence_due_hours")),
                name="rubric_round_deadlines_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_block(self) -> bool:
        return self.kind == self.Kind.BLOCK


class Question(FrozenWhenPublished):
    class Kind(models.TextChoices):
        BEHAVIORAL = "behavioral", "Behavioral"
        DESIGN = "design", "Design"
        TECHNICAL = "technical", "Technical"
        VALUES = "values", "Values"

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    round = models.ForeignKey(RubricRound, on_delete=models.PROTECT, related_name="questions")
    prompt = models.TextField()
    why = models.TextField("why it is asked", blank=True)
    guidance = models.TextField("how a strong answer goes", blank=True)
    values = models.ManyToManyField(RubricValue, blank=True, related_name="questions")

    class Meta:
        ordering = ["rubric_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="rubric_question_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}: {self.prompt[:60]}"


class Criterion(FrozenWhenPublished):
    """One thing the interviewer evaluates in the answer to a question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["question_id", "order"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="rubric_criterion_unique_order"),
        ]

    def __str__(self) -> str:
        return self.text

    def owning_rubric_id(self) -> int | None:
        if self.question_id is None:
            return None
        return Question.objects.filter(pk=self.question_id).values_list("rubric_id", flat=True).first()


class FailureMode(FrozenWhenPublished):
    """A common way candidates fail, offered as a red flag on scorecards."""

    class Severity(models.TextChoices):
        BLOCKING = "blocking", "Blocking"
        CONCERN = "concern", "Concern"

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="failure_modes")
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80)
    text = models.TextField()
    severity = models.CharField(max_length=16, choices=Severity.choices)

    class Meta:
        ordering = ["rubric_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "slug"], name="rubric_failure_mode_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Level(FrozenWhenPublished):
    """A level a candidate may target, with the compensation band shown to the hiring team."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=40)
    title = models.CharField(max_length=100)
    comp_min = models.PositiveIntegerField(null=True, blank=True, help_text="Total compensation, USD.")
    comp_max = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when open-ended.")
    comp_label = models.CharField(max_length=100, blank=True)
    hireable = models.BooleanField(default=True)

    class Meta:
        ordering = ["rubric_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "slug"], name="rubric_level_unique_slug"),
            models.CheckConstraint(
                condition=Q(comp_min__isnull=True) | Q(comp_max__isnull=True) | Q(comp_min__lte=F("comp_max")),
                name="rubric_level_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title
