"""Loop endpoints (Product §7). Each view authenticates, loads through the visible
queryset (unseen → 404), checks the action (not allowed → 403), validates, calls one service."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from loops import services
from loops.detail import loop_detail_json
from loops.models import Loop
from loops.selectors import (
    assignments_visible_to,
    can_coordinate,
    can_manage,
    candidates_visible_to,
    is_hiring_team,
    loop_detail_get,
    loop_detail_queryset,
    loops_visible_to,
    may_list_candidates,
    may_open_loops,
    rounds_visible_to,
)
from loops.serializers import (
    AssignmentSerializer,
    AssignmentUpdateInput,
    CandidateInput,
    CandidateSerializer,
    LoopDetailSerializer,
    LoopInput,
    LoopListQuery,
    LoopMoveInput,
    LoopSummarySerializer,
    OutcomeInput,
    RoundInput,
    RoundSerializer,
)


def _deny(message: str) -> None:
    raise PermissionDenied(message)


class CandidateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CandidateSerializer

    def get_queryset(self):
        return candidates_visible_to(self.request.user).order_by("name", "pk")

    def list(self, request, *args, **kwargs):
        if not may_list_candidates(request.user):
            _deny("Candidates are for the hiring team.")
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CandidateInput, responses={201: CandidateSerializer})
    def create(self, request, *args, **kwargs):
        if not may_open_loops(request.user):
            _deny("Hiring managers and recruiters add candidates.")
        data = CandidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        candidate = services.candidate_create(**data.validated_data, by=request.user)
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)


class LoopViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        loops = loops_visible_to(self.request.user)
        if self.action == "list":
            return loops.select_related("candidate").order_by("-started_on", "-pk")
        if self.action in ("retrieve", "hold", "resume", "withdraw"):  # the moves answer with the detail
            return loop_detail_queryset(loops)
        return loops

    def get_serializer_class(self):
        return LoopSummarySerializer if self.action == "list" else LoopDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = timezone.localdate()
        context["viewer_id"] = self.request.user.pk
        return context

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        query = LoopListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if "status" in params:
            queryset = queryset.filter(status=params["status"])
        if "pace" in params:
            queryset = queryset.with_pace(params["pace"], timezone.localdate())
        if "hiring_manager" in params:
            queryset = queryset.filter(hiring_manager_id=params["hiring_manager"])
        if "candidate" in params:
            queryset = queryset.filter(candidate_id=params["candidate"])
        return queryset

    @extend_schema(responses={200: LoopDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        """The shape of ``LoopDetailSerializer``, served by ``loops.detail`` (kept rendered)."""
        try:
            detail = loop_detail_json(request.user, int(kwargs["pk"]), today=timezone.localdate())
        except (ValueError, OverflowError):
            detail = None
        if detail is None:
            raise Http404
        return HttpResponse(detail, content_type="application/json")

    @extend_schema(request=LoopInput, responses={201: LoopDetailSerializer})
    def create(self, request, *args, **kwargs):
        if not may_open_loops(request.user):
            _deny("Hiring managers and recruiters open loops.")
        data = LoopInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        loop = services.loop_open(**data.validated_data, by=request.user)
        loop = loop_detail_get(Loop.objects.all(), loop.pk)
        context = {**self.get_serializer_context(), "sees_all_notes": True}
        return Response(LoopDetailSerializer(loop, context=context).data, status=status.HTTP_201_CREATED)

    def _move(self, request, to: str) -> Response:
        loop = self.get_object()
        if not can_coordinate(request.user, loop):
            _deny("Only the loop's hiring manager or recruiter changes its status.")
        data = LoopMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.loop_move(loop=loop, to=to, by=request.user, reason=data.validated_data["reason"])
        moved = loop_detail_get(loops_visible_to(request.user), loop.pk)
        context = {**self.get_serializer_context(), "sees_all_notes": is_hiring_team(request.user, moved)}
        return Response(LoopDetailSerializer(moved, context=context).data)

    @extend_schema(request=LoopMoveInput, responses={200: LoopDetailSerializer})
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._move(request, Loop.Status.ON_HOLD)

    @extend_schema(request=LoopMoveInput, responses={200: LoopDetailSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._move(request, Loop.Status.ACTIVE)

    @extend_schema(request=LoopMoveInput, responses={200: LoopDetailSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(request, Loop.Status.WITHDRAWN)


class RoundViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer

    def get_queryset(self):
        return (
            rounds_visible_to(self.request.user)
            .select_related("loop", "rubric_round")
            .prefetch_related("assignments__questions", "assignments__values_in_focus")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["viewer_id"] = self.request.user.pk
        if getattr(self, "_round", None) is not None:
            context["sees_all_notes"] = is_hiring_team(self.request.user, self._round.loop)
        return context

    def get_object(self):
        self._round = super().get_object()
        return self._round

    def _fresh(self, round_id: int) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=round_id)).data)

    @extend_schema(request=RoundInput, responses={200: RoundSerializer})
    def partial_update(self, request, pk=None):
        round_ = self.get_object()
        if not can_coordinate(request.user, round_.loop):
            _deny("Only the loop's hiring manager or recruiter schedules rounds.")
        data = RoundInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        if "scheduled_start" in params:
            services.round_schedule(
                round=round_,
                start=params["scheduled_start"],
                end=params.get("scheduled_end"),
                override_reason=params["override_reason"],
                location=params.get("location"),
                video_url=params.get("video_url"),
                by=request.user,
            )
        elif "status" in params:
            services.round_set_status(round=round_, status=params["status"], by=request.user)
        else:
            services.round_place_set(
                round=round_, location=params.get("location"), video_url=params.get("video_url"), by=request.user
            )
        return self._fresh(round_.pk)

    @extend_schema(request=OutcomeInput, responses={200: RoundSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        round_ = self.get_object()
        if not can_manage(request.user, round_.loop):
            _deny("Only the loop's hiring manager records outcomes.")
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.round_outcome_record(round=round_, outcome=data.validated_data["outcome"], by=request.user)
        return self._fresh(round_.pk)


class AssignmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AssignmentSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            assignments_visible_to(self.request.user)
            .select_related("round__loop")
            .prefetch_related("questions", "values_in_focus")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer_id": self.request.user.pk}

    def retrieve(self, request, *args, **kwargs):
        assignment = self.get_object()
        context = {
            **self.get_serializer_context(),
            "sees_all_notes": is_hiring_team(request.user, assignment.round.loop),
        }
        return Response(AssignmentSerializer(assignment, context=context).data)

    @extend_schema(request=AssignmentUpdateInput, responses={200: AssignmentSerializer})
    def partial_update(self, request, pk=None):
        assignment = self.get_object()
        if not can_manage(request.user, assignment.round.loop):
            _deny("Only the loop's hiring manager changes assignments.")
        data = AssignmentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_update(assignment=assignment, by=request.user, **data.validated_data)
        return self.retrieve(request, pk=assignment.pk)
