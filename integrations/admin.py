"""Webhooks in the Django admin (Product §8.3): admins register endpoints (the secret is shown
once, in a message), rotate secrets, read every delivery and its attempts, and replay one."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from integrations import services
from integrations.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from keeper.errors import DomainError


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https", help_text="http or https.")
    events = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "is_active"]

    def clean(self):
        cleaned = super().clean()
        problems = services.endpoint_problems(url=cleaned.get("url"), events=cleaned.get("events"))
        for field, messages_ in problems.items():
            for message in messages_:
                self.add_error(field, message)
        return cleaned


def _show_secret(request, endpoint: WebhookEndpoint, what: str) -> None:
    messages.warning(
        request, f"{what} secret of {endpoint.url}: {endpoint.secret} — copy it now, it is not shown again."
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "events", "is_active", "owner", "created_at", "previous_secret_until"]
    list_filter = ["is_active"]
    search_fields = ["url"]
    list_select_related = ["owner"]
    readonly_fields = ["owner", "created_at", "updated_at", "previous_secret_until"]
    actions = ["rotate_secret"]

    def get_fields(self, request, obj=None):
        return ["url", "events", "is_active", *(self.readonly_fields if obj else [])]

    def save_model(self, request, obj, form, change):
        if change:
            services.webhook_endpoint_update(
                endpoint=obj, by=request.user, url=obj.url, events=obj.events, active=obj.is_active
            )
            return
        created = services.webhook_endpoint_create(
            url=obj.url, events=obj.events, active=obj.is_active, by=request.user
        )
        obj.pk = created.pk
        obj.refresh_from_db()
        _show_secret(request, created, "The")

    def delete_model(self, request, obj):
        services.webhook_endpoint_delete(endpoint=obj, by=request.user)

    @admin.action(description="Rotate the secret (the previous one keeps signing for 24 hours)")
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            try:
                rotated = services.webhook_endpoint_rotate(endpoint=endpoint, by=request.user)
            except PermissionDenied as refusal:
                messages.error(request, str(refusal))
                return
            _show_secret(request, rotated, "The new")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["type", "webhook_id", "occurred_at", "data"]
    list_filter = ["type"]
    search_fields = ["message_id"]
    fields = ["type", "webhook_id", "occurred_at", "data", "created_at"]
    readonly_fields = fields


class AttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ["number", "at", "outcome", "status_code", "duration_ms", "error", "response_excerpt"]
    readonly_fields = fields
    ordering = ["number"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "event",
        "endpoint",
        "status",
        "attempts_made",
        "next_attempt_at",
        "delivered_at",
        "replay_of",
    ]
    list_filter = ["status", "event__type"]
    search_fields = ["endpoint__url", "event__message_id"]
    list_select_related = ["event", "endpoint"]
    fields = [
        "event",
        "endpoint",
        "status",
        "attempts_made",
        "next_attempt_at",
        "give_up_at",
        "delivered_at",
        "replay_of",
        "requested_by",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["replay"]

    @admin.action(description="Replay the selected deliveries (send their events again)")
    def replay(self, request, queryset):
        replayed = 0
        for delivery in queryset.select_related("event", "endpoint"):
            try:
                services.webhook_replay(delivery=delivery, by=request.user)
            except (DomainError, PermissionDenied) as refusal:
                messages.error(request, f"{delivery.event} to {delivery.endpoint}: {refusal}")
            except IntegrityError:
                messages.error(request, f"{delivery.event} to {delivery.endpoint}: it is already being delivered.")
            else:
                replayed += 1
        if replayed:
            messages.success(request, f"{replayed} replay(s) queued; each is a new line in the delivery log.")
