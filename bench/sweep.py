"""Time the reminder sweep over ``--count`` overdue scorecards against as many no-op tasks, on
the worker and broker the benchmark started. Prints JSON."""

import argparse
import json
import time
import uuid

import django_setup  # noqa: F401
import redis
from bulk import add_scorecards
from django.conf import settings

from accounts.services import user_upsert
from bench.tasks import bench_noop_task
from scorecards.models import Reminder
from scorecards.tasks import reminders_sweep_task

TIMEOUT = 600


def wait(done, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling the worker's progress, not waiting out time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    manager, _, _ = user_upsert(username="bench-sweep-hm", roles=["hiring_manager"])
    add_scorecards(args.count, manager=manager, submitted=False, slug="coding", overdue=True)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    key = f"keeper-bench-noop-{uuid.uuid4().hex}"

    started = time.perf_counter()
    for _ in range(args.count):
        bench_noop_task.delay(key)
    wait(lambda: int(broker.get(key) or 0) >= args.count, "the no-op tasks")
    noop = time.perf_counter() - started
    broker.delete(key)

    before = Reminder.objects.count()
    started = time.perf_counter()
    reminders_sweep_task.delay()
    wait(lambda: Reminder.objects.count() - before >= args.count, "the reminders")
    sweep = time.perf_counter() - started
    sent = Reminder.objects.count() - before
    print(
        json.dumps(
            {
                "count": args.count,
                "reminders_sent": sent,
                "noop_seconds": round(noop, 2),
                "sweep_seconds": round(sweep, 2),
                "ratio": round(sweep / noop, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
