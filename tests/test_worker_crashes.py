"""A worker killed mid-sweep loses no reminder and sends none twice (issue #10).

A real worker (production's prefork pool) on Redis and PostgreSQL works through 1,000 overdue
scorecards and is SIGKILLed four times, each caught (SIGSTOP, look, SIGCONT until it is) in
a chosen moment: the pool process alone inside a reminder's transaction (the worker starts
another); then the whole worker, started again each time, inside a transaction, after a
reminder committed but before its message was acknowledged, and inside a transaction again.

What makes that safe: a task is acknowledged only after it ran (task_acks_late), so a dead
worker's task returns to the queue once the broker's visibility timeout passes, and a dead pool
process's task is handed straight back (task_reject_on_worker_lost). The rerun finds its claim
either rolled back with the kill (so it sends now) or committed with its email (so it sends
nothing), because the Reminder row and the outbox email commit in one transaction
(mail.services). The outbox is then delivered to Django's file-based mail backend and every
email is read back from disk."""

import base64
import json
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
from django.conf import settings

from mail.models import OutgoingEmail
from mail.tasks import outbox_deliver_task
from scorecards.models import Reminder
from scorecards.tasks import reminders_sweep_task
from tests.bulk import bulk_overdue_drafts
from tests.celery_worker import Worker, wait_for, worker_on_queue  # noqa: F401 (a fixture)

REMINDERS = 1_000
# After how many reminders, what is killed, and in which moment.
KILLS = (
    (200, "pool process", "in a transaction"),
    (400, "worker", "in a transaction"),
    (600, "worker", "after a commit, before the acknowledgement"),
    (800, "worker", "in a transaction"),
)
# The worker's visibility timeout: how long Redis keeps a taken, unacknowledged message from
# the queue. Short here so that a killed worker's task comes back within the test.
VISIBILITY_SECONDS = 1
# The sweep's moment, handed to every reminder task: ratings were due a day before it.
AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def unacknowledged(broker: redis.Redis, queue: str) -> list[tuple[float, dict]]:
    """(when it was taken, the message) for each message the worker took from ``queue`` and
    has not acknowledged: kombu's Redis transport keeps them in these two keys."""
    taken = []
    for tag, score in broker.zrange("unacked_index", 0, -1, withscores=True):
        payload = broker.hget("unacked", tag)
        if payload is not None and json.loads(payload)[2] == queue:
            taken.append((score, json.loads(payload)[0]))
    return taken


def committed_but_unacknowledged(broker: redis.Redis, worker: Worker) -> bool:
    """The worker holds a reminder task whose reminder is already committed."""
    for _, message in unacknowledged(broker, worker.queue):
        if message["headers"]["task"] == "scorecards.tasks.scorecard_remind_task":
            args = json.loads(base64.b64decode(message["body"]))[0]
            if Reminder.objects.filter(scorecard_id=args[0]).exists() and not worker.in_transaction():
                return True
    return False


def drained(broker: redis.Redis, worker: Worker) -> bool:
    return broker.llen(worker.queue) == 0 and not unacknowledged(broker, worker.queue) and not worker.in_transaction()


def delivered_message_ids(folder) -> list[str]:
    ids = []
    for path in folder.glob("*.log"):
        ids += re.findall(r"^Message-ID: (\S+)$", path.read_text(), flags=re.MULTILINE)
    return ids


@pytest.mark.django_db(transaction=True)
def test_killed_workers_lose_no_reminder_and_repeat_none(worker_on_queue, loop, tmp_path):  # noqa: F811
    cards = bulk_overdue_drafts(
        loop, REMINDERS, ratings_due_at=AS_OF - timedelta(days=1), evidence_due_at=AS_OF + timedelta(days=1)
    )
    mailbox = tmp_path / "mail"
    worker = worker_on_queue(
        "prefork",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mailbox),
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    started = time.monotonic()

    reminders_sweep_task.delay(AS_OF.isoformat())

    killed_at = []
    for threshold, victim, moment in KILLS:
        wait_for(lambda t=threshold: Reminder.objects.count() >= t, f"{threshold} reminders", worker.log, every=0.01)
        if moment == "in a transaction":
            worker.freeze_when(worker.in_transaction, moment)
        else:
            worker.freeze_when(lambda: committed_but_unacknowledged(broker, worker), moment)
        killed_at.append((Reminder.objects.count(), victim, moment))
        if victim == "pool process":
            child = worker.kill_pool_process()
            worker.thaw()
            wait_for(lambda c=child: worker.pool_processes() not in ([], [c]), "a new pool process", worker.log)
            continue
        worker.kill()
        # A worker that starts returns to the queue what a dead one held past the visibility timeout.
        wait_for(
            lambda: all(time.time() - taken > VISIBILITY_SECONDS for taken, _ in unacknowledged(broker, worker.queue)),
            "the killed worker's message to pass the visibility timeout",
            seconds=VISIBILITY_SECONDS + 5,
            every=0.05,
        )
        worker.start()

    wait_for(lambda: drained(broker, worker) and drained(broker, worker), "the queue to drain", worker.log)
    outbox_deliver_task.delay()  # as beat does every minute: what redelivered tasks wrote after the sweep's own
    wait_for(
        lambda: not OutgoingEmail.objects.filter(delivered_at__isnull=True).exists() and drained(broker, worker),
        "the outbox to be delivered",
        worker.log,
    )
    elapsed = time.monotonic() - started

    reminders = list(Reminder.objects.values_list("pk", "scorecard_id", "stage", "sent_on"))
    emails = list(OutgoingEmail.objects.values_list("pk", "key"))
    on_disk = delivered_message_ids(mailbox)
    log = worker.log.read_text()
    runs = re.findall(r"Task scorecards\.tasks\.scorecard_remind_task\[([0-9a-f-]+)\] received", log)
    rerun = [task for task in set(runs) if runs.count(task) > 1]
    print(
        f"\nkilled at {killed_at} reminders; {len(reminders)} reminders, {len(emails)} outbox emails, "
        f"{len(on_disk)} delivered ({len(set(on_disk))} distinct); {len(runs)} reminder task runs for "
        f"{len(set(runs))} tasks, {len(rerun)} run again after a kill; {elapsed:.1f}s"
    )
    assert len(killed_at) == len(KILLS) and all(0 < n < REMINDERS for n, *_ in killed_at), killed_at
    assert len(reminders) == REMINDERS, "none lost, none sent twice"
    assert len(rerun) >= len(KILLS), "each kill caught a reminder task in hand, and it ran again"
    assert sorted(card for _, card, _, _ in reminders) == sorted(card.pk for card in cards), "one per scorecard"
    assert {(stage, sent_on) for _, _, stage, sent_on in reminders} == {("ratings", date(2026, 3, 10))}
    assert sorted(key for _, key in emails) == sorted(f"reminder:{pk}" for pk, *_ in reminders)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
    assert sorted(on_disk) == sorted(f"<outbox-{pk}@{domain}>" for pk, _ in emails), "each delivered exactly once"
