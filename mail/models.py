"""The outbox: every email Keeper sends, written in the transaction that decides to send it;
and the calendar invitations those emails carry (Product §3)."""

from django.db import models
from django.db.models import Q


class OutgoingEmail(models.Model):
    """An email Keeper has sent, as far as Keeper is concerned: the row commits in the same
    transaction as the record that makes the send idempotent (a Reminder, a DigestSent, the change
    an invitation announces), so a send is never lost and never made twice, whoever runs the task
    and however often it is redelivered. ``mail.services.outbox_deliver`` then hands it to
    EMAIL_BACKEND."""

    key = models.CharField(max_length=200, unique=True, help_text="What this email is for; one email per key.")
    subject = models.CharField(max_length=998)
    body = models.TextField(help_text="Plain text.")
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text='Text attachments: [{"filename", "mimetype", "params": {...}, "content"}], '
        'e.g. an invite.ics of text/calendar with {"method": "REQUEST"}.',
    )
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


class Invitation(models.Model):
    """One calendar event Keeper has told someone about, by its iCalendar UID (RFC 5545): the
    SEQUENCE it last went out with, raised by every change the owner announces, and whether the
    attendee's calendar holds it (requested) or it was withdrawn (cancelled). The outbox key of each
    announcement is ``invite:<uid>:<sequence>``: one email per change."""

    class State(models.TextChoices):
        NOTICE = "notice", "Told, with no time yet"
        REQUESTED = "requested", "In the attendee's calendar"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.CharField(max_length=255, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NOTICE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.uid} #{self.sequence} ({self.state})"
