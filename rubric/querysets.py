from django.db import models


class RubricQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def readable(self):
        """Versions any signed-in user may read: published and retired ones."""
        return self.exclude(status="draft")

    def with_contents(self):
        """Everything the rubric detail shows, in a fixed number of queries."""
        return self.prefetch_related(
            "values",
            "rounds__values_in_focus",
            "rounds__questions",
            "rounds__block",
            "questions__values",
            "questions__criteria",
            "questions__round",
            "failure_modes",
            "levels",
        )
