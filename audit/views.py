"""The loop's history in the API: ``GET /api/v1/loops/{id}/history/`` (issue #11)."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.views import APIView

from audit.history import loop_history, may_read_history
from audit.serializers import HistoryEntrySerializer
from keeper.api import Pagination
from loops.selectors import loops_visible_to


class LoopHistoryView(APIView):
    """Every recorded change of the loop, latest first, paged like the lists; for its hiring team."""

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request, pk: int):
        loop = loops_visible_to(request.user).select_related("rubric").filter(pk=pk).first()
        if loop is None:
            raise NotFound
        if not may_read_history(request.user, loop):
            raise PermissionDenied("The history is for the loop's hiring team.")
        paginator = Pagination()
        page = paginator.paginate_queryset(loop_history(loop=loop, viewer=request.user), request, view=self)
        return paginator.get_paginated_response(HistoryEntrySerializer(page, many=True).data)
