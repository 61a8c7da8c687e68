"""Webhook delivery in the background (Product §8.3). Idempotency lives in
integrations.delivery: each attempt is claimed by a conditional update, so a task run twice,
redelivered or racing the sweep sends nothing twice."""

from celery import shared_task
from django.utils import timezone

from integrations.delivery import webhook_attempt, webhook_deliveries_due


@shared_task(acks_late=True)
def webhook_deliver_task(delivery_id: int) -> str:
    """One attempt of one delivery, enqueued when its event commits (and by the sweep)."""
    return webhook_attempt(delivery_id=delivery_id).outcome


@shared_task(acks_late=True)
def webhooks_sweep_task() -> int:
    """Beat, every minute: hand every delivery that is due and nobody is attempting to a task.
    This is how retries run: each failure sets the next attempt's time by exponential backoff
    (integrations.delivery.retry_delay), up to 6 h apart, which no task countdown may wait
    (keeper.celery.KeeperTask); it also picks up a task a broker lost."""
    due = webhook_deliveries_due(now=timezone.now())
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)
