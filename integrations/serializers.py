"""Webhook and Greenhouse-export shapes (Product §7.1)."""

from rest_framework import serializers

from integrations.addresses import UnsafeTarget, target_resolve
from integrations.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from keeper.api import JSONInput, QueryInput
from keeper.ids import ID_MAX
from loops.serializers import WebLinkField


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as every answer shows it; the secret only in WebhookEndpointWithSecretSerializer."""

    active = serializers.BooleanField(source="is_active", read_only=True)
    previous_secret_valid_until = serializers.DateTimeField(
        source="previous_secret_until",
        allow_null=True,
        read_only=True,
        help_text="After a rotation, until when the previous secret still signs beside the new one.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "owner", "created_at", "updated_at", "previous_secret_valid_until"]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The answer to a creation or a rotation: the only time the secret is shown."""

    secret = serializers.CharField(read_only=True, help_text="Standard Webhooks secret (whsec_…); shown once.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class TargetURLField(WebLinkField):
    """A webhook's URL: http or https, and (integrations/addresses.py) not an internal address, so
    that a refused URL is named beside every other problem of the request."""

    def to_internal_value(self, data):
        url = super().to_internal_value(data)
        try:
            target_resolve(url)
        except UnsafeTarget as refusal:
            raise serializers.ValidationError(str(refusal)) from None
        return url


class WebhookEndpointInput(JSONInput):
    url = TargetURLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), min_length=1, max_length=len(EventType.values)
    )
    active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointUpdateInput(JSONInput):
    url = TargetURLField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        max_length=len(EventType.values),
        required=False,
    )
    active = serializers.BooleanField(required=False)


class WebhookRotateInput(JSONInput):
    keep_previous = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Keep signing with the previous secret beside the new one for overlap_hours "
        "(false: retire it at once, e.g. when it leaked).",
    )
    overlap_hours = serializers.IntegerField(
        min_value=1,
        max_value=168,
        required=False,
        default=24,
        help_text="How long the previous secret keeps signing beside the new one.",
    )


class WebhookEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=EventType.choices)
    data = serializers.DictField(help_text="The event's ids and fields, as the body's data carries them.")


class WebhookAttemptSerializer(serializers.ModelSerializer):
    """One attempt to deliver one event (Product §8.3: status, duration, an excerpt of the answer)."""

    delivery = serializers.IntegerField(source="delivery_id", read_only=True)
    event = WebhookEventSerializer(source="delivery.event", read_only=True)
    webhook_id = serializers.CharField(
        source="delivery.event.webhook_id", read_only=True, help_text="The webhook-id header."
    )
    attempt = serializers.IntegerField(source="number", read_only=True, help_text="1 for a delivery's first attempt.")
    replay = serializers.SerializerMethodField()
    delivery_status = serializers.ChoiceField(
        source="delivery.status", choices=WebhookDelivery.Status.choices, read_only=True
    )

    class Meta:
        model = WebhookAttempt
        fields = [
            "id",
            "delivery",
            "event",
            "webhook_id",
            "attempt",
            "replay",
            "at",
            "ended_at",
            "outcome",
            "status_code",
            "duration_ms",
            "response_excerpt",
            "error",
            "delivery_status",
        ]
        read_only_fields = fields

    def get_replay(self, obj: WebhookAttempt) -> bool:
        """True for an attempt of a delivery an admin asked to replay."""
        return obj.delivery.replay_of_id is not None


class GreenhouseExportQuery(QueryInput):
    loop = serializers.IntegerField(min_value=1, max_value=ID_MAX)


# The Greenhouse Harvest scorecard, for the OpenAPI schema (integrations/greenhouse.py builds it;
# integrations/schemas/greenhouse-harvest-scorecard.schema.json is the shape it is tested against).

HARVEST_RATINGS = ["definitely_not", "no", "mixed", "yes", "strong_yes", "no_decision"]
HARVEST_RECOMMENDATIONS = ["definitely_not", "no", "yes", "strong_yes", "no_decision"]


class HarvestUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    name = serializers.CharField()
    employee_id = serializers.CharField(allow_null=True)


class HarvestInterviewStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HarvestAttributeSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    note = serializers.CharField(allow_null=True)
    rating = serializers.ChoiceField(choices=HARVEST_RATINGS)


class HarvestRatingsSerializer(serializers.Serializer):
    definitely_not = serializers.ListField(child=serializers.CharField())
    no = serializers.ListField(child=serializers.CharField())
    mixed = serializers.ListField(child=serializers.CharField())
    yes = serializers.ListField(child=serializers.CharField())
    strong_yes = serializers.ListField(child=serializers.CharField())


class HarvestQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    question = serializers.CharField()
    answer = serializers.CharField()


class HarvestScorecardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    interview = serializers.CharField()
    interview_step = HarvestInterviewStepSerializer()
    candidate_id = serializers.IntegerField()
    application_id = serializers.IntegerField(help_text="The Keeper loop: the candidate's application.")
    interviewed_at = serializers.DateTimeField(allow_null=True)
    submitted_by = HarvestUserSerializer()
    interviewer = HarvestUserSerializer()
    submitted_at = serializers.DateTimeField()
    overall_recommendation = serializers.ChoiceField(choices=HARVEST_RECOMMENDATIONS)
    attributes = HarvestAttributeSerializer(many=True)
    ratings = HarvestRatingsSerializer()
    questions = HarvestQuestionSerializer(many=True)
