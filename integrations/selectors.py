"""Who sees which webhooks (Product §8.3: endpoints and their logs are the admins')."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import is_admin
from integrations.models import WebhookAttempt, WebhookEndpoint


def webhook_endpoints_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[WebhookEndpoint]:
    """Every endpoint to an admin; none to anyone else."""
    return WebhookEndpoint.objects.all() if is_admin(user) else WebhookEndpoint.objects.none()


def webhook_attempts_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookAttempt]:
    """The endpoint's delivery log, newest first, with what each line shows."""
    return (
        WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
        .select_related("delivery__event")
        .order_by("-at", "-pk")
    )
