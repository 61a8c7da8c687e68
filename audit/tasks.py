"""Scheduled privacy work (issue #11). Thin: the service decides and is idempotent."""

from celery import shared_task
from django.utils import timezone

from audit.services import retention_sweep
from keeper.tasks import RETRY


@shared_task(**RETRY)
def retention_sweep_task() -> int:
    """Anonymize every candidate whose retention period has passed; returns how many."""
    return retention_sweep(today=timezone.localdate())
