"""Shapes of the calibration API (Product §7.1): the query it takes, and the answer documented
for the OpenAPI schema (the answer itself is the stored JSON)."""

from rest_framework import serializers

from keeper.api import QueryInput
from keeper.ids import ID_MAX


class CalibrationQuery(QueryInput):
    rubric = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="The rubric version's id.")


class EstimateSerializer(serializers.Serializer):
    raw = serializers.FloatField(allow_null=True, help_text="Mean deviation from the rest of the panel, in points.")
    shrunk = serializers.FloatField(help_text="The empirical-Bayes estimate, shrunk toward 0 for few ratings.")
    ci90 = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)
    flagged = serializers.BooleanField(required=False, help_text="The 90 % interval excludes 0.")


class ValueEstimateSerializer(EstimateSerializer):
    ratings = serializers.IntegerField()


class InterviewerSerializer(serializers.Serializer):
    interviewer = serializers.IntegerField()
    name = serializers.CharField()
    ratings = serializers.IntegerField(help_text="Ratings set beside another interviewer's of the same value and loop.")
    cards = serializers.IntegerField()
    leniency = EstimateSerializer()
    by_value = serializers.DictField(child=ValueEstimateSerializer())


class AlphaSerializer(serializers.Serializer):
    alpha = serializers.FloatField(allow_null=True)
    ci95 = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True)
    reading = serializers.CharField()
    units = serializers.IntegerField()


class ReliabilitySerializer(AlphaSerializer):
    values = serializers.DictField(child=AlphaSerializer())


class VarianceSerializer(serializers.Serializer):
    candidate = serializers.FloatField()
    interviewer = serializers.FloatField()
    value = serializers.FloatField()
    residual = serializers.FloatField()


class GStudySerializer(serializers.Serializer):
    variance = VarianceSerializer(allow_null=True)
    reads_for_g80 = serializers.IntegerField(allow_null=True)
    reads_per_value = serializers.IntegerField()
    g_at_reads_per_value = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()


class CriterionHealthSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    ratings = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField())
    floor = serializers.FloatField(allow_null=True)
    ceiling = serializers.FloatField(allow_null=True)
    item_rest = serializers.FloatField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())


class QuestionHealthSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    prompt = serializers.CharField()
    asked = serializers.IntegerField()
    loops = serializers.IntegerField()
    share = serializers.FloatField()
    flags = serializers.ListField(child=serializers.CharField())
    criteria = CriterionHealthSerializer(many=True)


class CalibrationSerializer(serializers.Serializer):
    """Documents the calibration's shape (Product §7.1) for the OpenAPI schema."""

    rubric = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    loops = serializers.IntegerField()
    scorecards = serializers.IntegerField()
    ratings = serializers.IntegerField()
    reliability = ReliabilitySerializer()
    interviewers = InterviewerSerializer(many=True)
    leniency_model = serializers.DictField()
    g_study = GStudySerializer()
    questions = QuestionHealthSerializer(many=True)
    settings = serializers.DictField()
