from django.db import models
from django.db.models import Prefetch


class ScorecardQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status="submitted")

    def drafts(self):
        return self.filter(status="draft")

    def for_loop(self, loop):
        return self.filter(loop=loop)

    def with_ratings(self):
        """The current revision's content and the assignment's plan, in a fixed number of queries."""
        from scorecards.models import CriterionRating, RedFlag, ValueRating

        return self.select_related("current_revision", "round__rubric_round", "assignment").prefetch_related(
            Prefetch("current_revision__value_ratings", queryset=ValueRating.objects.select_related("value")),
            Prefetch(
                "current_revision__criterion_ratings",
                queryset=CriterionRating.objects.select_related("criterion__question"),
            ),
            Prefetch("current_revision__red_flags", queryset=RedFlag.objects.select_related("failure_mode")),
            "assignment__questions",
            "assignment__values_in_focus",
        )
