"""The benchmark's yardstick for task overhead: a task that does nothing but count itself.
Never imported by the app; bench/run.py starts its worker with ``--include bench.tasks``."""

import redis
from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def bench_noop_task(counter_key: str) -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)
