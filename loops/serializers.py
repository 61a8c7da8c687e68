"""Loop shapes (Product §7.1). Output serializers read prefetched rows only."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keeper.api import JSONInput, QueryInput
from keeper.ids import ID_MAX
from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent
from loops.selectors import loop_coverage
from rubric.models import Rubric


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "name", "email", "level"]
        read_only_fields = fields  # an answer's shape; input is CandidateInput


class CandidateInput(JSONInput):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    level = serializers.SlugField(max_length=40)


class AssignmentSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    values_in_focus = serializers.SerializerMethodField()
    scorecard = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "round", "interviewer", "questions", "values_in_focus", "scorecard", "notes"]
        read_only_fields = fields  # an answer's shape; input is AssignmentInput or AssignmentUpdateInput

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_questions(self, obj: Assignment) -> list[int]:
        if hasattr(obj, "question_numbers"):  # attached by loops.selectors.assignment_plans_attach
            return obj.question_numbers
        return sorted(q.number for q in obj.questions.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_values_in_focus(self, obj: Assignment) -> list[str]:
        if hasattr(obj, "value_slugs"):
            return obj.value_slugs
        return [v.slug for v in sorted(obj.values_in_focus.all(), key=lambda v: v.order)]

    def get_scorecard(self, obj: Assignment) -> int | None:
        scorecard = getattr(obj, "scorecard", None)
        return scorecard.pk if scorecard is not None else None

    def get_notes(self, obj: Assignment) -> str | None:
        """Briefing notes go to their interviewer and the people running the loop only."""
        return (
            obj.notes
            if self.context.get("sees_all_notes") or self.context.get("viewer_id") == obj.interviewer_id
            else None
        )


class RoundSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="rubric_round.slug", read_only=True)
    name = serializers.CharField(source="rubric_round.name", read_only=True)
    kind = serializers.CharField(source="rubric_round.kind", read_only=True)
    duration_minutes = serializers.IntegerField(source="rubric_round.duration_minutes", read_only=True, allow_null=True)
    is_decision_round = serializers.BooleanField(source="rubric_round.is_decision_round", read_only=True)
    outcome = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "loop",
            "order",
            "slug",
            "name",
            "kind",
            "block",
            "duration_minutes",
            "is_decision_round",
            "status",
            "outcome",
            "scheduled_start",
            "scheduled_end",
            "completed_at",
            "location",
            "video_url",
            "assignments",
        ]
        read_only_fields = fields  # an answer's shape; input is RoundInput or OutcomeInput

    @extend_schema_field(serializers.ChoiceField(choices=Round.Outcome.choices, allow_null=True))
    def get_outcome(self, obj: Round) -> str | None:
        return obj.outcome or None


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = ["at", "actor", "kind", "detail", "round"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj: TimelineEvent) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.username


class CoverageSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    questions = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))
    matrix = serializers.ListField(child=serializers.DictField())
    gaps = serializers.DictField()
    warnings = serializers.ListField(child=serializers.CharField())


class LoopSummarySerializer(serializers.ModelSerializer):
    """A loop in lists: no rounds, no coverage, a fixed number of queries for any page."""

    candidate = CandidateSerializer(read_only=True)
    weeks_elapsed = serializers.SerializerMethodField()
    pace = serializers.SerializerMethodField()

    class Meta:
        model = Loop
        fields = [
            "id",
            "candidate",
            "status",
            "rubric",
            "hiring_manager",
            "recruiter",
            "started_on",
            "due_by",
            "weeks_elapsed",
            "pace",
            "current_round",
            "closed_on",
        ]
        read_only_fields = fields  # an answer's shape; input is LoopInput or LoopMoveInput

    def get_weeks_elapsed(self, obj: Loop) -> float:
        return obj.weeks_elapsed(self.context.get("today"))

    @extend_schema_field(serializers.ChoiceField(choices=Loop.Pace.choices))
    def get_pace(self, obj: Loop) -> str:
        return obj.pace(self.context.get("today"))


class LoopHeadSerializer(LoopSummarySerializer):
    """The loop's own fields of the detail (loops.detail adds the rounds, coverage and timeline)."""

    class Meta(LoopSummarySerializer.Meta):
        fields = [*LoopSummarySerializer.Meta.fields, "at_risk_from"]
        read_only_fields = fields


class LoopDetailSerializer(LoopHeadSerializer):
    rounds = RoundSerializer(many=True, read_only=True)
    coverage = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(LoopHeadSerializer.Meta):
        fields = [*LoopHeadSerializer.Meta.fields, "rounds", "coverage", "timeline"]
        read_only_fields = fields

    @extend_schema_field(CoverageSerializer)
    def get_coverage(self, obj: Loop) -> dict:
        return loop_coverage(obj)

    @extend_schema_field(TimelineEventSerializer(many=True))
    def get_timeline(self, obj: Loop) -> list[dict]:
        if not self.context.get("sees_all_notes"):
            return []
        return TimelineEventSerializer(obj.timeline.all(), many=True).data


@extend_schema_field(OpenApiTypes.INT)
class IdField(serializers.PrimaryKeyRelatedField):
    """An object's id, which is a whole number: 1.5 or true is refused, not read as object 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=ID_MAX))
        super().__init__(**kwargs)


class VisibleCandidateField(IdField):
    """A candidate id, resolved through the caller's visibility: an unseen one reads as unknown."""

    def get_queryset(self):
        from loops.selectors import candidates_visible_to

        return candidates_visible_to(self.context["request"].user)


class LoopInput(JSONInput):
    candidate = VisibleCandidateField()
    hiring_manager = IdField(queryset=get_user_model().objects.filter(is_active=True))
    recruiter = IdField(queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True)
    rubric = IdField(queryset=Rubric.objects.exclude(status=Rubric.Status.DRAFT), required=False, allow_null=True)
    started_on = serializers.DateField(required=False, allow_null=True)


class LoopListQuery(QueryInput):
    status = serializers.ChoiceField(choices=Loop.Status.choices, required=False)
    pace = serializers.ChoiceField(choices=Loop.Pace.choices, required=False)
    hiring_manager = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    candidate = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)


class LoopMoveInput(JSONInput):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class WebLinkField(serializers.URLField):
    """A link people open in a browser: http or https only (no javascript:, no ftp:)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(URLValidator(schemes=["http", "https"], message="Enter an http or https link."))


class RoundInput(JSONInput):
    """A PATCH of a round takes a schedule (with or without its place), a place alone, or a status."""

    scheduled_start = serializers.DateTimeField(required=False)
    scheduled_end = serializers.DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[Round.Status.DONE, Round.Status.SKIPPED, Round.Status.PLANNED], required=False
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    location = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="A room or an address; empty clears it."
    )
    video_url = WebLinkField(
        required=False, allow_blank=True, max_length=500, help_text="The video call's link; empty clears it."
    )

    def validate_scheduled_start(self, value):
        return _plausible(value)

    def validate_scheduled_end(self, value):
        return _plausible(value) if value is not None else value

    def validate(self, attrs):
        has_schedule = "scheduled_start" in attrs
        has_place = "location" in attrs or "video_url" in attrs
        if "status" in attrs and (has_schedule or has_place):
            raise serializers.ValidationError(
                "Send either scheduled_start (to schedule), a place (location, video_url) or status, not several."
            )
        if not (has_schedule or has_place or "status" in attrs):
            raise serializers.ValidationError(
                "Send either scheduled_start (to schedule), a place (location, video_url) or status."
            )
        if "scheduled_end" in attrs and not has_schedule:
            raise serializers.ValidationError({"scheduled_end": ["Send scheduled_start with scheduled_end."]})
        return attrs


def _plausible(moment):
    """Interviews happen within a few years of today; anything else is a typo, not a plan."""
    now = timezone.now()
    if not (now - timedelta(days=5 * 366) <= moment <= now + timedelta(days=2 * 366)):
        raise serializers.ValidationError("Give a time within five years before and two years after today.")
    return moment


class OutcomeInput(JSONInput):
    outcome = serializers.ChoiceField(choices=Round.Outcome.choices)


class AssignmentInput(JSONInput):
    interviewer = IdField(queryset=get_user_model().objects.filter(is_active=True))
    questions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_null=True, max_length=50
    )
    values_in_focus = serializers.ListField(
        child=serializers.SlugField(max_length=60), required=False, allow_null=True, max_length=50
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AssignmentUpdateInput(JSONInput):
    questions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)
    values_in_focus = serializers.ListField(child=serializers.SlugField(max_length=60), required=False, max_length=50)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
