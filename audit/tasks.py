"""Scheduled privacy work (issue #11). Thin: the service decides and is idempotent."""

from celery import shared_task
from django.utils import timezone

from audit.services import retention_sweep


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def retention_sweep_task() -> int:
    """Anonymize every candidate whose retention period has passed; returns how many."""
    return retention_sweep(today=timezone.localdate())
