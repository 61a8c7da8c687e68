from rest_framework import viewsets

from rubric.selectors import rubrics_visible_to
from rubric.serializers import RubricSerializer


class RubricViewSet(viewsets.ReadOnlyModelViewSet):
    """Rubric versions with everything nested. Drafts are visible to admins only."""

    serializer_class = RubricSerializer

    def get_queryset(self):
        return rubrics_visible_to(self.request.user).with_contents().order_by("slug", "-version")
