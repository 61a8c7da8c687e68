"""Keeper's own tasks: delivering the outbox, and the benchmark's yardstick for task overhead."""

from celery import shared_task
from django.conf import settings

from keeper.mail import outbox_deliver

# Every task is acknowledged after it ran (a killed worker's task is redelivered) and retried
# with backoff on connection errors, never waiting longer than the broker's visibility timeout
# (keeper.celery.KeeperTask refuses that).
RETRY = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": min(600, settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]),
    "max_retries": 5,
}


@shared_task(**RETRY)
def outbox_deliver_task() -> int:
    """Run by each sweep after its fan-out, and by beat every minute for what a retry added later."""
    return outbox_deliver()


@shared_task(acks_late=True)
def bench_noop_task(counter_key: str) -> None:
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)
