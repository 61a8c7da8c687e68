"""The Keeper Test summary: JSON, CSV and a printable page; and the director's decision."""

import csv
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role, has_role
from loops.models import Loop
from scorecards.calibration_hook import summary_text_for
from scorecards.selectors import loops_with_summary_for, reads_summary, summary_loop_read
from scorecards.serializers import DecisionInput, DecisionSerializer, KeeperSummarySerializer
from scorecards.services import keeper_decision_record, summary_exposure_record
from scorecards.summary_store import summary_response_text

CSV_COLUMNS = [
    "value",
    "name",
    "status",
    "count",
    "mean",
    "min",
    "max",
    "spread",
    "interviewer",
    "interviewer_name",
    "round_name",
    "rating",
    "evidence",
]


def _summary_loop(user, pk) -> Loop:
    """The loop with its stored summary and decision, if the user reads its summary: the loop
    and the reader's own cards on it in one statement (issue #9)."""
    found = summary_loop_read(user, int(pk))
    if found is None:
        raise Http404
    loop, own_cards = found
    if not reads_summary(user, loop, own_cards):
        raise Http404
    if own_cards:
        summary_exposure_record(user=user, loop_id=loop.pk, known_interviewer=True)
    return loop


def _related(loop: Loop, name: str):
    try:
        return getattr(loop, name)
    except ObjectDoesNotExist:
        return None


def _read(user, pk) -> tuple[Loop, dict]:
    """The summary as a dict, from the summary and decision the loop's query already loaded."""
    loop = _summary_loop(user, pk)
    text = summary_response_text(
        loop, _related(loop, "keeper_summary"), _related(loop, "keeper_decision"), timezone.localdate()
    )
    return loop, json.loads(text)


class KeeperSummaryView(APIView):
    """Served from the stored summary, checked current in the same query that finds the loop."""

    @extend_schema(responses={200: KeeperSummarySerializer})
    def get(self, request, pk: int):
        loop = _summary_loop(request.user, pk)
        text = summary_response_text(
            loop, _related(loop, "keeper_summary"), _related(loop, "keeper_decision"), timezone.localdate()
        )
        text = summary_text_for(text, rubric_id=loop.rubric_id, reader=request.user)  # Product §8.1
        return HttpResponse(text, content_type="application/json")


def _csv_cell(value) -> str:
    """Keep a spreadsheet from running text as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class KeeperSummaryCSVView(APIView):
    """The per-value table with every rating behind it, one row per rating."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk: int):
        loop, summary = _read(request.user, pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="keeper-summary-loop-{loop.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in summary["values"]:
            base = [row[key] for key in ("value", "name", "status", "count", "mean", "min", "max", "spread")]
            for rating in row["ratings"] or [{}]:
                writer.writerow(
                    _csv_cell(cell)
                    for cell in [
                        *base,
                        rating.get("interviewer"),
                        rating.get("interviewer_name"),
                        rating.get("round_name"),
                        rating.get("rating"),
                        rating.get("evidence"),
                    ]
                )
        return response


class KeeperDecisionView(APIView):
    @extend_schema(request=DecisionInput, responses={201: DecisionSerializer})
    def post(self, request, pk: int):
        # Product §5: the decision is taken on the summary, so who may not read the summary yet
        # (a director whose own card is open, Product §4) may not decide, nor learn its verdict by trying.
        loop = loops_with_summary_for(request.user).filter(pk=pk).first()
        if loop is None:
            raise NotFound()
        if not has_role(request.user, Role.DIRECTOR):
            raise PermissionDenied("Only a director records the Keeper Test decision.")
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = keeper_decision_record(loop=loop, by=request.user, **data.validated_data)
        body = {
            "decision": decision.decision,
            "rationale": decision.rationale,
            "answers": decision.answers,
            "by": decision.by_id,
            "by_name": request.user.get_full_name() or request.user.username,
            "at": decision.at,
        }
        return Response(DecisionSerializer(body).data, status=status.HTTP_201_CREATED)


@login_required
@require_safe
def keeper_summary_print(request, pk: int):
    """A printable page of the summary, for the director's final round."""
    loop, summary = _read(request.user, pk)
    return render(request, "scorecards/keeper_summary_print.html", {"loop": loop, "summary": summary})
