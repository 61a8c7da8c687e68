"""Webhooks (Product §8.3): the endpoints admins register, the outbox of events written in the
transaction of each change, one delivery per event and endpoint, and every attempt to send it."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class EventType(models.TextChoices):
    SCORECARD_SUBMITTED = "scorecard.submitted", "A scorecard is submitted"
    LOOP_STATUS_CHANGED = "loop.status_changed", "A loop changes status"
    LOOP_DECIDED = "loop.decided", "The Keeper Test decision is recorded"


class WebhookEndpoint(models.Model):
    """A receiver of signed events. The secret is in the Standard Webhooks ``whsec_`` form; it
    is stored as is (signing needs it) and shown only when made. After a rotation the previous
    secret signs too, beside the new one, until ``previous_secret_until``."""

    url = models.URLField(max_length=2000, help_text="http or https; never a private or loopback address.")
    events = ArrayField(models.CharField(max_length=40, choices=EventType.choices))
    is_active = models.BooleanField(default=True, help_text="An inactive endpoint is sent nothing.")
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The admin who made it: payloads carry only what this person may read.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["is_active"], name="webhook_endpoint_active_idx")]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One change, as the outbox holds it: written in the change's own transaction, so an event
    is sent if and only if its change committed. ``message_id`` is the ``webhook-id`` header,
    the same on every attempt and replay, which receivers deduplicate on."""

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    data = models.JSONField(help_text="Ids and the fields of the change; never a draft or its content.")
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.message_id.hex}"


class WebhookDelivery(models.Model):
    """One event for one endpoint, and its state: pending until an attempt is answered with a
    2xx (delivered), or until ``give_up_at`` passes (failed). An attempt is claimed by a
    conditional update that raises ``attempts_made`` and sets ``claimed_until``, so of any number of
    workers exactly one sends each attempt and a delivered event is never sent again. A replay
    (admin) is a new delivery of the same event."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"
        CANCELLED = "cancelled", "Cancelled (endpoint off or owner no longer an admin)"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts_made = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    give_up_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays", help_text="Set on a replay."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # The change's own delivery is made once per endpoint; a replay is one more, never two at once.
            models.UniqueConstraint(
                fields=["event", "endpoint"], condition=Q(replay_of__isnull=True), name="webhook_delivery_once"
            ),
            models.UniqueConstraint(
                fields=["event", "endpoint"], condition=Q(status="pending"), name="webhook_delivery_one_pending"
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.status})"


class WebhookAttempt(models.Model):
    """One try to send a delivery: what the receiver answered, how long it took, or what went
    wrong. Written when the attempt is claimed, completed when it ends; one with no ``ended_at``
    was cut short (its worker died) and the delivery was tried again."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(help_text="1 for the first attempt of this delivery.")
    at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, help_text="The start of the receiver's answer.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome or 'in flight'}"
