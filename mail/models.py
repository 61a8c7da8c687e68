"""The outbox: every email Keeper sends, written in the transaction that decides to send it."""

from django.db import models
from django.db.models import Q


class OutgoingEmail(models.Model):
    """An email Keeper has sent, as far as Keeper is concerned: the row commits in the same
    transaction as the record that makes the send idempotent (a Reminder, a DigestSent), so
    a send is never lost and never made twice, whoever runs the task and however often it
    is redelivered. ``mail.services.outbox_deliver`` then hands it to EMAIL_BACKEND."""

    key = models.CharField(max_length=200, unique=True, help_text="What this email is for; one email per key.")
    subject = models.CharField(max_length=998)
    body = models.TextField()
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["id"], condition=Q(delivered_at__isnull=True), name="outgoing_email_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} to {', '.join(self.to)}"
