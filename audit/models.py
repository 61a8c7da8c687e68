"""The record of each anonymization (issue #11): who asked, when and why, and which candidate
by number. It holds no personal data: the candidate row it points at is anonymized."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Erasure(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", "Erasure on request"
        RETENTION = "retention", "Retention period passed"

    candidate = models.OneToOneField("loops.Candidate", on_delete=models.PROTECT, related_name="erasure")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.TextField(help_text="Why: the request, or the retention rule. Never the candidate's details.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    via = models.CharField(max_length=16, help_text="command, admin or task")
    at = models.DateTimeField(default=timezone.now)
    rows = models.JSONField(default=dict, blank=True, help_text="How many rows of each table were rewritten.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Candidate #{self.candidate_id}: {self.get_kind_display()} on {self.at:%Y-%m-%d}"
