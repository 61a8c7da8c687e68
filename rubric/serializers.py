"""Rubric output shapes (Product §7.1). Read-only; every nested list comes
from ``Rubric.objects.with_contents()`` so no serializer queries per row."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rubric.models import RATING_POINTS, Criterion, FailureMode, Level, Question, Rubric, RubricRound, RubricValue


def _by_order(items, key="order"):
    return sorted(items, key=lambda item: getattr(item, key))


class AnchorsSerializer(serializers.Serializer):
    """The behavioural anchor for each point of the scale, keyed "1".."4"."""

    def get_fields(self):
        # "1".."4" are not Python identifiers, so the fields are built rather than declared.
        return {str(point): serializers.CharField(read_only=True) for point in RATING_POINTS}


class RubricValueSerializer(serializers.ModelSerializer):
    anchors = AnchorsSerializer(read_only=True)

    class Meta:
        model = RubricValue
        fields = ["slug", "name", "definition", "anchors"]


class RubricRoundSerializer(serializers.ModelSerializer):
    block = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    values_in_focus = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    block_days = serializers.SerializerMethodField()

    class Meta:
        model = RubricRound
        fields = [
            "id",
            "order",
            "slug",
            "name",
            "kind",
            "duration_minutes",
            "purpose",
            "block",
            "block_days",
            "values_in_focus",
            "questions",
            "is_decision_round",
            "ratings_due_hours",
            "evidence_due_hours",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_values_in_focus(self, obj: RubricRound) -> list[str]:
        return [v.slug for v in _by_order(obj.values_in_focus.all())]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_questions(self, obj: RubricRound) -> list[int]:
        return sorted(q.number for q in obj.questions.all())

    @extend_schema_field(
        serializers.DictField(child=serializers.IntegerField(), allow_null=True, help_text="min and max days")
    )
    def get_block_days(self, obj: RubricRound) -> dict | None:
        return {"min": obj.block_min_days, "max": obj.block_max_days} if obj.is_block else None


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "text"]


class QuestionSerializer(serializers.ModelSerializer):
    values = serializers.SerializerMethodField()
    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "number", "kind", "prompt", "why", "guidance", "values", "round", "criteria"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_values(self, obj: Question) -> list[str]:
        return [v.slug for v in _by_order(obj.values.all())]


class FailureModeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FailureMode
        fields = ["id", "slug", "text", "severity"]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["slug", "title", "comp_min", "comp_max", "comp_label", "hireable"]


class WindowSerializer(serializers.Serializer):
    min = serializers.IntegerField(source="window_min_weeks")
    max = serializers.IntegerField(source="window_max_weeks")


class KeeperBarSerializer(serializers.Serializer):
    strong_mean = serializers.FloatField()
    meets_mean = serializers.FloatField()
    min_keeper_yes_share = serializers.FloatField()
    strong_no_blocks = serializers.BooleanField()
    blocking_flag_blocks = serializers.BooleanField()
    evidence_required_for_every_value = serializers.BooleanField()
    disagreement_points = serializers.IntegerField()
    calibrated = serializers.BooleanField(help_text="The verdict compares calibrated value means with the bar.")


class RubricSerializer(serializers.ModelSerializer):
    window_weeks = WindowSerializer(source="*", read_only=True)
    keeper_bar = KeeperBarSerializer(read_only=True)
    values = RubricValueSerializer(many=True, read_only=True)
    rounds = RubricRoundSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    failure_modes = FailureModeSerializer(many=True, read_only=True)
    levels = LevelSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = [
            "id",
            "name",
            "slug",
            "version",
            "status",
            "description",
            "window_weeks",
            "reads_per_value",
            "keeper_bar",
            "values",
            "rounds",
            "questions",
            "failure_modes",
            "levels",
            "published_at",
        ]
