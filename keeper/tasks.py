"""What every app's tasks share; the tasks live in their apps' tasks.py. The benchmark's
yardstick for task overhead stays here until it moves to bench/."""

from celery import shared_task
from django.conf import settings

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


@shared_task(acks_late=True)
def bench_noop_task(counter_key: str) -> None:
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)
