"""Webhook endpoints (admins) and the Greenhouse-shaped export (Product §7.1, §8.3)."""

from datetime import timedelta

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations import services
from integrations.greenhouse import harvest_export
from integrations.permissions import IsAdmin
from integrations.selectors import webhook_attempts_of, webhook_endpoints_visible_to
from integrations.serializers import (
    GreenhouseExportQuery,
    HarvestScorecardSerializer,
    WebhookAttemptSerializer,
    WebhookEndpointInput,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateInput,
    WebhookEndpointWithSecretSerializer,
    WebhookRotateInput,
)
from loops.selectors import loops_visible_to
from scorecards.services import exposure_record


class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """``/api/v1/webhooks/``: admins register, change, rotate and remove endpoints and read
    their delivery log. The secret is in the answer to a creation or a rotation only."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAuthenticated, IsAdmin]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return webhook_endpoints_visible_to(self.request.user).order_by("pk")

    @extend_schema(request=WebhookEndpointInput, responses={201: WebhookEndpointWithSecretSerializer})
    def create(self, request):
        data = WebhookEndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            url=data.validated_data["url"],
            events=data.validated_data["events"],
            active=data.validated_data["active"],
            by=request.user,
        )
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointUpdateInput, responses={200: WebhookEndpointSerializer})
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = WebhookEndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        endpoint = services.webhook_endpoint_update(
            endpoint=endpoint,
            by=request.user,
            url=changes.get("url"),
            events=changes.get("events"),
            active=changes.get("active"),
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, pk=None):
        services.webhook_endpoint_delete(endpoint=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=WebhookRotateInput, responses={200: WebhookEndpointWithSecretSerializer})
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        """A new secret, shown once; the previous one keeps signing beside it for ``overlap_hours``
        unless ``keep_previous`` is false."""
        endpoint = self.get_object()
        data = WebhookRotateInput(data=request.data)
        data.is_valid(raise_exception=True)
        overlap = timedelta(hours=data.validated_data["overlap_hours"] if data.validated_data["keep_previous"] else 0)
        endpoint = services.webhook_endpoint_rotate(endpoint=endpoint, by=request.user, overlap=overlap)
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(responses={200: WebhookAttemptSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """Every attempt to deliver an event to this endpoint, newest first."""
        attempts = webhook_attempts_of(self.get_object())
        page = self.paginate_queryset(attempts)
        return self.get_paginated_response(WebhookAttemptSerializer(page, many=True).data)


class GreenhouseScorecardExportView(APIView):
    """``GET /api/v1/exports/greenhouse/scorecards/?loop=ID``: the loop's submitted scorecards
    that the caller may read, as Greenhouse Harvest scorecard objects (integrations/greenhouse.py).
    A loop the caller does not see answers 404."""

    @extend_schema(parameters=[GreenhouseExportQuery], responses={200: HarvestScorecardSerializer(many=True)})
    def get(self, request):
        query = GreenhouseExportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        loop = loops_visible_to(request.user).select_related("rubric").filter(pk=query.validated_data["loop"]).first()
        if loop is None:
            raise Http404
        cards, rows = harvest_export(loop=loop, reader=request.user)
        exposure_record(user=request.user, scorecards=cards)  # Product §4: reading a colleague's card
        return Response(HarvestScorecardSerializer(rows, many=True).data)
