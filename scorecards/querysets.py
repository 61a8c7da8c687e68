from django.db import models


class ScorecardQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status="submitted")

    def drafts(self):
        return self.filter(status="draft")

    def for_loop(self, loop):
        return self.filter(loop=loop)

    def with_ratings(self):
        """The current revision's content and the assignment's plan, in a fixed number of queries."""
        return self.for_writing().prefetch_related(
            "current_revision__value_ratings",
            "current_revision__criterion_ratings",
            "current_revision__red_flags",
        )

    def for_writing(self):
        """The scorecard's current revision, round, loop rubric and assignment plan, without the
        revision's rows: the base of ``with_ratings``. A save or submit reads its own scorecard
        through ``own_scorecard_for_writing``; this only serves its refusal, to tell a 403
        (a card the caller sees) from a 404."""
        return self.select_related(
            "current_revision", "round__rubric_round", "assignment", "loop__rubric"
        ).prefetch_related(
            "assignment__questions",
            "assignment__values_in_focus",
        )
