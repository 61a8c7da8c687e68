"""A task that does nothing but count itself: the benchmark's yardstick for task overhead."""

from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def bench_noop_task(counter_key: str) -> None:
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)
