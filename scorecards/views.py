"""Scorecard endpoints (Product §7). Every read goes through ``scorecards_visible_to``."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from keeper import fastinput
from loops import views as loop_views
from loops.models import Assignment
from loops.selectors import can_manage
from loops.serializers import AssignmentInput, AssignmentSerializer, AssignmentUpdateInput
from rubric.selectors import rubric_structure
from scorecards import services
from scorecards.kit import scorecard_kit
from scorecards.models import Scorecard
from scorecards.selectors import own_scorecard_for_writing, scorecards_visible_to
from scorecards.serializers import (
    KitSerializer,
    RevisionSerializer,
    ScorecardAmendmentInput,
    ScorecardDraftInput,
    ScorecardListQuery,
    ScorecardSerializer,
    ScorecardSubmitInput,
    scorecard_payload,
)


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ScorecardSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        visible = scorecards_visible_to(self.request.user)
        if self.action == "partial_update":
            return visible.for_writing()
        return visible.with_ratings().order_by("loop_id", "round__order", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        parameters=[
            OpenApiParameter("loop", int),
            OpenApiParameter("mine", bool),
            OpenApiParameter("status", enum=Scorecard.Status.values),
            OpenApiParameter("round", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        services.exposure_record(user=request.user, scorecards=self._listed)
        return response

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._listed = page if page is not None else list(queryset)
        return page

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        query = ScorecardListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if "loop" in params:
            queryset = queryset.filter(loop_id=params["loop"])
        if "round" in params:
            queryset = queryset.filter(round_id=params["round"])
        if params.get("mine"):
            queryset = queryset.filter(interviewer=self.request.user)
        if "status" in params:
            queryset = queryset.filter(status=params["status"])
        return queryset

    def retrieve(self, request, *args, **kwargs):
        scorecard = self.get_object()
        services.exposure_record(user=request.user, scorecards=[scorecard])
        return Response(self.get_serializer(scorecard).data)

    def _own(self) -> Scorecard:
        """The caller's own scorecard, found by its author instead of the visibility query, with
        all a save or submit needs in one query (issue #9). A card the caller sees but does
        not own answers 403, one they do not see 404, exactly as through ``get_object``."""
        scorecard = own_scorecard_for_writing(self.request.user, int(self.kwargs["pk"]))
        if scorecard is None:
            self.get_object()
            raise PermissionDenied("Only the interviewer who owns this scorecard writes it.")
        return scorecard

    def _fresh(self, scorecard_id: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=scorecard_id)).data, status=code)

    @extend_schema(request=ScorecardDraftInput, responses={200: ScorecardSerializer})
    def partial_update(self, request, pk=None):
        scorecard = self._own()
        params = dict(fastinput.validated(ScorecardDraftInput, request.data))
        version = params.pop("version")
        saved = services.scorecard_save_draft(
            scorecard=scorecard,
            author=request.user,
            version=version,
            content=services.ScorecardContent.from_input(params),
        )
        return Response(scorecard_payload(saved, timezone.now()))

    @extend_schema(request=ScorecardSubmitInput, responses={200: ScorecardSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        scorecard = self._own()
        params = fastinput.validated(ScorecardSubmitInput, request.data or {})
        sealed = services.scorecard_submit(scorecard=scorecard, by=request.user, version=params.get("version"))
        return Response(scorecard_payload(sealed, timezone.now()))

    @extend_schema(request=ScorecardAmendmentInput, responses={201: ScorecardSerializer})
    @action(detail=True, methods=["post"])
    def amendments(self, request, pk=None):
        scorecard = self.get_object()
        if not services.can_amend(request.user, scorecard):
            raise PermissionDenied("Only the author or an admin amends a scorecard.")
        data = ScorecardAmendmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        reason, version = params.pop("reason"), params.pop("version", None)
        services.scorecard_amend(
            scorecard=scorecard,
            by=request.user,
            reason=reason,
            version=version,
            content=services.ScorecardContent.from_input(params),
        )
        return self._fresh(scorecard.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: KitSerializer})
    @action(detail=True, methods=["get"])
    def kit(self, request, pk=None):
        """The interview kit: round purpose, questions with guidance and criteria, values with anchors."""
        return Response(KitSerializer(scorecard_kit(self.get_object())).data)

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # every revision at once: no page parameters
    def history(self, request, pk=None):
        """Every revision: the original as submitted, then each amendment with its reason."""
        scorecard = self.get_object()
        revisions = scorecard.revisions.prefetch_related("value_ratings", "criterion_ratings", "red_flags")
        context = {"structure": rubric_structure(scorecard.loop.rubric)}
        return Response(RevisionSerializer(revisions, many=True, context=context).data)


class RoundViewSet(loop_views.RoundViewSet):
    """Rounds, with assignment that also opens the interviewer's draft scorecard."""

    @extend_schema(request=AssignmentInput, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assignments(self, request, pk=None):
        round_ = self.get_object()
        if not can_manage(request.user, round_.loop):
            raise PermissionDenied("Only the loop's hiring manager assigns interviewers.")
        data = AssignmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        assignment = services.interviewer_assign(
            round=round_,
            interviewer=params["interviewer"],
            questions=params.get("questions"),
            values_in_focus=params.get("values_in_focus"),
            notes=params["notes"],
            by=request.user,
        )
        body = AssignmentSerializer(
            Assignment.objects.select_related("scorecard")
            .prefetch_related("questions", "values_in_focus")
            .get(pk=assignment.pk),
            context={"sees_all_notes": True},
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class AssignmentViewSet(loop_views.AssignmentViewSet):
    """Assignments; a submitted scorecard fixes its plan, and removing one takes its draft with it."""

    @extend_schema(request=AssignmentUpdateInput, responses={200: AssignmentSerializer})
    def partial_update(self, request, pk=None):
        assignment = self.get_object()
        if not can_manage(request.user, assignment.round.loop):
            raise PermissionDenied("Only the loop's hiring manager changes assignments.")
        data = AssignmentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_plan_change(assignment=assignment, by=request.user, **data.validated_data)
        return self.retrieve(request, pk=assignment.pk)

    def destroy(self, request, pk=None):
        assignment = self.get_object()
        if not can_manage(request.user, assignment.round.loop):
            raise PermissionDenied("Only the loop's hiring manager removes interviewers.")
        services.interviewer_unassign(assignment=assignment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
