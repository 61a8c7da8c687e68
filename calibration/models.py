"""The stored calibration of each rubric version (Product §8.1): computed in the background,
read by the page, the API and the CSV without recomputing."""

import json

from django.db import models


class Calibration(models.Model):
    """One rubric version's calibration report, as the JSON text of Product §7.1 (less
    ``rubric`` and ``computed_at``, which are columns): text, so its keys keep their order and a
    read serves it without parsing it.

    ``source`` is the state of the submitted scorecards the report was computed from (how many,
    and the sum of their versions, which every submit and amendment raises); the minute sweep
    recomputes a report whose source no longer matches. ``claimed_at`` is the debounce marker:
    a recompute is enqueued at most once a minute per rubric version."""

    rubric = models.OneToOneField("rubric.Rubric", on_delete=models.CASCADE, related_name="calibration")
    text = models.TextField(blank=True, help_text="The report as JSON.")
    computed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=64, blank=True, help_text="Submitted cards and their version sum, as read.")
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last recompute was enqueued (at most one a minute)."
    )

    def __str__(self) -> str:
        return f"Calibration of rubric {self.rubric_id}"

    @property
    def data(self) -> dict:
        return json.loads(self.text) if self.text else {}

    @property
    def reads_for_g80(self) -> int | None:
        return (self.data.get("g_study") or {}).get("reads_for_g80")
