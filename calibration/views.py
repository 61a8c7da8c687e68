"""The calibration API (Product §7.1, §8.1): the stored report of one rubric version as JSON
and as CSV, for directors and admins. Nothing is recomputed on a read."""

import csv

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.views import APIView

from calibration.payload import calibration_csv_rows, calibration_payload, calibration_text
from calibration.selectors import calibration_readable_by
from calibration.serializers import CalibrationQuery, CalibrationSerializer
from rubric.models import Rubric
from rubric.selectors import rubrics_visible_to

NOT_FOUND = OpenApiResponse(description="No rubric version with this id that the caller may see.")


def _rubric(request) -> Rubric:
    """The rubric version named by ``?rubric=``: 403 for those who do not read calibration (before
    anything is looked up), 400 for a bad id, 404 for one the caller may not see."""
    if not calibration_readable_by(request.user):
        raise PermissionDenied("Calibration is for directors and admins.")
    query = CalibrationQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    rubric = rubrics_visible_to(request.user).filter(pk=query.validated_data["rubric"]).first()
    if rubric is None:
        raise NotFound()
    return rubric


class CalibrationView(APIView):
    """The stored calibration of a rubric version, with when it was computed."""

    @extend_schema(parameters=[CalibrationQuery], responses={200: CalibrationSerializer, 404: NOT_FOUND})
    def get(self, request):
        return HttpResponse(calibration_text(_rubric(request)), content_type="application/json")


class CalibrationCSVView(APIView):
    """The same report as one CSV table, a ``section`` column telling its parts apart."""

    @extend_schema(parameters=[CalibrationQuery], responses={(200, "text/csv"): OpenApiTypes.STR, 404: NOT_FOUND})
    def get(self, request):
        rubric = _rubric(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="calibration-rubric-{rubric.pk}.csv"'
        writer = csv.writer(response)
        for row in calibration_csv_rows(calibration_payload(rubric)):
            writer.writerow(row)
        return response
