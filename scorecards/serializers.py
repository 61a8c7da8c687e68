"""Scorecard shapes (Product §7, §7.1). Output reads prefetched rows only."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keeper.api import JSONInput, QueryInput
from keeper.ids import ID_MAX
from keeper.lean import related
from rubric.selectors import rubric_structure
from scorecards.models import KeeperSignal, Recommendation, Scorecard, ScorecardRevision

TEXT_LIMIT = 20_000
VERSION_MAX = 2**31 - 1  # the largest version the column holds: above it a 400 naming the field, not a 409


class ValueRatingOut(serializers.Serializer):
    """Rows are read with the rubric structure in context, so no row needs a join."""

    value = serializers.SerializerMethodField()
    rating = serializers.IntegerField(allow_null=True, help_text="1 strong no … 4 strong yes; null: not assessed")
    evidence = serializers.CharField(allow_blank=True)
    pending = serializers.BooleanField(help_text="Evidence saved before a rating was chosen.")

    def get_value(self, obj) -> str:
        return self.context["structure"].values_by_id[obj.value_id].slug


class CriterionRatingOut(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    question = serializers.SerializerMethodField()
    rating = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)

    def get_question(self, obj) -> int:
        return self.context["structure"].question_number_by_criterion[obj.criterion_id]


class RedFlagOut(serializers.Serializer):
    failure_mode = serializers.IntegerField(source="failure_mode_id")
    severity = serializers.SerializerMethodField()
    note = serializers.CharField(allow_blank=True)

    def get_severity(self, obj) -> str:
        return self.context["structure"].failure_modes_by_id[obj.failure_mode_id].severity


class ScorecardSerializer(serializers.ModelSerializer):
    value_ratings = serializers.SerializerMethodField()
    criterion_ratings = serializers.SerializerMethodField()
    red_flags = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()
    keeper = serializers.SerializerMethodField()
    summary = serializers.CharField(source="current_revision.summary", read_only=True)
    revision = serializers.IntegerField(source="current_revision.number", read_only=True)
    ratings_due_at = serializers.DateTimeField(source="round.ratings_due_at", read_only=True, allow_null=True)
    evidence_due_at = serializers.DateTimeField(source="round.evidence_due_at", read_only=True, allow_null=True)
    due_at = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    values_in_focus = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "loop",
            "round",
            "interviewer",
            "status",
            "version",
            "revision",
            "values_in_focus",
            "questions",
            "value_ratings",
            "criterion_ratings",
            "red_flags",
            "recommendation",
            "keeper",
            "summary",
            "ratings_due_at",
            "evidence_due_at",
            "due_at",
            "overdue",
            "submitted_at",
        ]
        # An answer's shape: the server owns all of it; what a client writes comes in through
        # ScorecardDraftInput and ScorecardAmendmentInput (the schema marks these readOnly).
        read_only_fields = fields

    def _rows(self, obj: Scorecard, serializer, relation: str) -> list:
        structure = rubric_structure(obj.loop.rubric)
        rows = getattr(obj.current_revision, relation).all()
        return serializer(rows, many=True, context={"structure": structure}).data

    @extend_schema_field(ValueRatingOut(many=True))
    def get_value_ratings(self, obj: Scorecard) -> list:
        return self._rows(obj, ValueRatingOut, "value_ratings")

    @extend_schema_field(CriterionRatingOut(many=True))
    def get_criterion_ratings(self, obj: Scorecard) -> list:
        return self._rows(obj, CriterionRatingOut, "criterion_ratings")

    @extend_schema_field(RedFlagOut(many=True))
    def get_red_flags(self, obj: Scorecard) -> list:
        return self._rows(obj, RedFlagOut, "red_flags")

    @extend_schema_field(serializers.ChoiceField(choices=Recommendation.choices, allow_null=True))
    def get_recommendation(self, obj: Scorecard) -> str | None:
        return obj.current_revision.recommendation or None

    @extend_schema_field(serializers.ChoiceField(choices=KeeperSignal.choices, allow_null=True))
    def get_keeper(self, obj: Scorecard) -> str | None:
        return obj.current_revision.keeper or None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_due_at(self, obj: Scorecard):
        due_at, _ = obj.deadline(self.context.get("now") or timezone.now())
        return _datetime(due_at)

    def get_overdue(self, obj: Scorecard) -> bool:
        return obj.deadline(self.context.get("now") or timezone.now())[1]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_values_in_focus(self, obj: Scorecard) -> list[str]:
        return [v.slug for v in sorted(obj.assignment.values_in_focus.all(), key=lambda v: v.order)]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_questions(self, obj: Scorecard) -> list[int]:
        return sorted(q.number for q in obj.assignment.questions.all())


_DATETIME = serializers.DateTimeField()


def _datetime(value) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def scorecard_payload(scorecard: Scorecard, now) -> dict:
    """What ``ScorecardSerializer`` gives for ``scorecard``, built directly: the answer of every
    save and submit, where the serializer's per-instance field setup cost more than the write
    (issue #9). The scorecard is loaded as ``with_ratings`` loads it; a test holds the two equal."""
    structure = rubric_structure(scorecard.loop.rubric)
    revision = scorecard.current_revision
    assignment = scorecard.assignment
    due_at, overdue = scorecard.deadline(now)
    return {
        "id": scorecard.pk,
        "loop": scorecard.loop_id,
        "round": scorecard.round_id,
        "interviewer": scorecard.interviewer_id,
        "status": scorecard.status,
        "version": scorecard.version,
        "revision": revision.number,
        "values_in_focus": [v.slug for v in sorted(related(assignment, "values_in_focus"), key=lambda v: v.order)],
        "questions": sorted(q.number for q in related(assignment, "questions")),
        "value_ratings": [
            {
                "value": structure.values_by_id[row.value_id].slug,
                "rating": row.rating,
                "evidence": row.evidence,
                "pending": row.pending,
            }
            for row in related(revision, "value_ratings")
        ],
        "criterion_ratings": [
            {
                "criterion": row.criterion_id,
                "question": structure.question_number_by_criterion[row.criterion_id],
                "rating": row.rating,
                "notes": row.notes,
            }
            for row in related(revision, "criterion_ratings")
        ],
        "red_flags": [
            {
                "failure_mode": row.failure_mode_id,
                "severity": structure.failure_modes_by_id[row.failure_mode_id].severity,
                "note": row.note,
            }
            for row in related(revision, "red_flags")
        ],
        "recommendation": revision.recommendation or None,
        "keeper": revision.keeper or None,
        "summary": revision.summary,
        "ratings_due_at": _datetime(scorecard.round.ratings_due_at),
        "evidence_due_at": _datetime(scorecard.round.evidence_due_at),
        "due_at": _datetime(due_at),
        "overdue": overdue,
        "submitted_at": _datetime(scorecard.submitted_at),
    }


class RevisionSerializer(serializers.ModelSerializer):
    """A revision; ``context["structure"]`` is the rubric structure of the scorecard's loop."""

    value_ratings = ValueRatingOut(many=True, read_only=True)
    criterion_ratings = CriterionRatingOut(many=True, read_only=True)
    red_flags = RedFlagOut(many=True, read_only=True)

    class Meta:
        model = ScorecardRevision
        fields = [
            "number",
            "kind",
            "author",
            "created_at",
            "reason",
            "is_after_exposure",
            "recommendation",
            "keeper",
            "summary",
            "value_ratings",
            "criterion_ratings",
            "red_flags",
        ]


class ValueRatingIn(serializers.Serializer):
    value = serializers.SlugField(max_length=60)
    rating = serializers.IntegerField(
        min_value=1,
        max_value=4,
        allow_null=True,
        required=False,
        help_text="null marks the value not assessed; leave the key out to save evidence before rating.",
    )
    evidence = serializers.CharField(allow_blank=True, required=False, default="", max_length=TEXT_LIMIT)


class CriterionRatingIn(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1)
    rating = serializers.IntegerField(min_value=1, max_value=4, allow_null=True)
    notes = serializers.CharField(allow_blank=True, required=False, default="", max_length=TEXT_LIMIT)


class RedFlagIn(serializers.Serializer):
    failure_mode = serializers.IntegerField(min_value=1)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=TEXT_LIMIT)


class ScorecardContentInput(JSONInput):
    value_ratings = ValueRatingIn(many=True, required=False, max_length=50)
    criterion_ratings = CriterionRatingIn(many=True, required=False, max_length=200)
    red_flags = RedFlagIn(many=True, required=False, max_length=50)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)
    keeper = serializers.ChoiceField(choices=KeeperSignal.choices, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)


class ScorecardDraftInput(ScorecardContentInput):
    version = serializers.IntegerField(
        min_value=1, max_value=VERSION_MAX, help_text="The version you read; a stale one answers 409."
    )


class ScorecardSubmitInput(JSONInput):
    version = serializers.IntegerField(min_value=1, max_value=VERSION_MAX, required=False)


class ScorecardAmendmentInput(ScorecardContentInput):
    reason = serializers.CharField(max_length=TEXT_LIMIT)
    version = serializers.IntegerField(min_value=1, max_value=VERSION_MAX, required=False)


class ScorecardListQuery(QueryInput):
    loop = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    mine = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=Scorecard.Status.choices, required=False)
    round = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)


class KitValueSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    anchors = serializers.DictField(child=serializers.CharField())


class KitCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class KitQuestionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    prompt = serializers.CharField()
    why = serializers.CharField()
    guidance = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())
    criteria = KitCriterionSerializer(many=True)


class KitFailureModeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    severity = serializers.CharField()


class KitSerializer(serializers.Serializer):
    """The interview kit (Product §1): what the interviewer needs, from the loop's pinned rubric."""

    round = serializers.DictField()
    values = KitValueSerializer(many=True)
    questions = KitQuestionSerializer(many=True)
    failure_modes = KitFailureModeSerializer(many=True)
    scale = serializers.DictField(child=serializers.CharField())


class DecisionInput(JSONInput):
    decision = serializers.ChoiceField(choices=["keep", "do_not_keep"])
    rationale = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT),
        required=False,
        help_text="When keeping against an unmet bar: an answer for each unmet check, keyed by its code.",
    )


class DecisionSerializer(serializers.Serializer):
    """The recorded decision, as answered; input is DecisionInput."""

    decision = serializers.CharField(read_only=True)
    rationale = serializers.CharField(read_only=True)
    answers = serializers.DictField(child=serializers.CharField(), read_only=True)
    by = serializers.IntegerField(read_only=True)
    by_name = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)


class SummaryValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    not_assessed = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    spread = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["strong", "meets", "concern", "no_evidence"])
    ratings = serializers.ListField(child=serializers.DictField())


class KeeperSummarySerializer(serializers.Serializer):
    """Documents the summary's shape (Product §7.1) for the OpenAPI schema."""

    loop = serializers.IntegerField()
    rubric_version = serializers.IntegerField()
    scorecards = serializers.IntegerField()
    values = SummaryValueSerializer(many=True)
    who_said_what = serializers.ListField(child=serializers.DictField())
    red_flags = serializers.ListField(child=serializers.DictField())
    disagreements = serializers.ListField(child=serializers.DictField())
    gaps = serializers.DictField()
    agreement = serializers.DictField()
    verdict = serializers.DictField()
    timeline = serializers.DictField()
    decision = DecisionSerializer(allow_null=True)
