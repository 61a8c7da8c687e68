from datetime import date

from django.db import models


class LoopQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=["active", "on_hold"])

    def with_pace(self, pace: str, today: date):
        """Filter by pace in SQL, with the same rule as ``Loop.pace``."""
        open_loops = models.Q(status__in=["active", "on_hold"])
        closed_late = models.Q(closed_on__gt=models.F("due_by")) & ~open_loops
        if pace == "overdue":
            return self.filter((open_loops & models.Q(due_by__lt=today)) | closed_late)
        if pace == "at_risk":
            return self.filter(open_loops, due_by__gte=today, at_risk_from__lt=today)
        return self.filter(
            (open_loops & models.Q(at_risk_from__gte=today))
            | (~open_loops & ~models.Q(closed_on__gt=models.F("due_by")))
        )
