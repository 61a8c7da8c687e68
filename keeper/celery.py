"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly (settings), so
Keeper works with no services; the beat schedule lives here (STYLE.md §9)."""

import os
from datetime import UTC, datetime

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeper.settings")


class ScheduleBeyondVisibility(ValueError):
    """A task asked to wait longer than the broker keeps an unacknowledged message hidden."""


def _delay_seconds(countdown, eta) -> float:
    if countdown is not None:
        return float(countdown)
    if eta is None:
        return 0.0
    if isinstance(eta, str):
        eta = datetime.fromisoformat(eta)
    if eta.tzinfo is None:
        eta = eta.replace(tzinfo=UTC)
    return (eta - datetime.now(UTC)).total_seconds()


class KeeperTask(Task):
    """Refuses a countdown or eta past the broker's visibility timeout. Redis holds a message
    that a worker took but has not acknowledged (acks_late) for that long, then hands it to
    another worker; a task waiting out a longer eta in a worker's memory would be handed out
    again and again, and run more than once. Retries go through here too."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, **options):
        limit = self.app.conf.broker_transport_options.get("visibility_timeout", 3600)
        wait = _delay_seconds(options.get("countdown"), options.get("eta"))
        if wait > limit:
            raise ScheduleBeyondVisibility(
                f"{self.name} scheduled {wait:.0f}s ahead, past the broker's visibility timeout of {limit}s."
            )
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)


app = Celery("keeper", task_cls=KeeperTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    """Times are in TIME_ZONE (CELERY_TIMEZONE): the reminders before interviews every minute (so
    they go out close to INTERVIEW_REMINDER_MINUTES ahead), the overdue sweep every few minutes,
    the digest each morning, the outbox every minute for emails a redelivered task wrote
    after its sweep, the webhook deliveries due every minute (retries further ahead than a
    task's countdown may wait, and tasks a broker lost), and calibration every minute for
    changed rubric versions and each night for all."""
    from celery.schedules import crontab
    from django.conf import settings

    return {
        "interview-reminders": {
            "task": "scorecards.tasks.interview_reminders_sweep_task",
            "schedule": crontab(minute="*"),
        },
        "reminders-sweep": {
            "task": "scorecards.tasks.reminders_sweep_task",
            "schedule": crontab(minute=f"*/{settings.REMINDER_SWEEP_MINUTES}"),
        },
        "hiring-manager-digests": {
            "task": "scorecards.tasks.digests_sweep_task",
            "schedule": crontab(hour=settings.DIGEST_HOUR, minute=0),
        },
        "candidate-retention": {
            "task": "audit.tasks.retention_sweep_task",
            "schedule": crontab(hour=settings.RETENTION_HOUR, minute=30),
        },
        "calibration-sweep": {
            "task": "calibration.tasks.calibration_sweep_task",
            "schedule": crontab(minute="*"),
        },
        "calibration-nightly": {
            "task": "calibration.tasks.calibration_nightly_task",
            "schedule": crontab(hour=settings.CALIBRATION_HOUR, minute=15),
        },
        "outbox-delivery": {
            "task": "mail.tasks.outbox_deliver_task",
            "schedule": crontab(minute="*"),
        },
        "webhooks-sweep": {
            "task": "integrations.tasks.webhooks_sweep_task",
            "schedule": crontab(minute="*"),
        },
    }


@app.on_after_configure.connect
def _install_beat_schedule(sender, **kwargs) -> None:
    sender.conf.beat_schedule = beat_schedule()


# Every change a task makes is on record with the task that made it (keeper/history.py).
_task_history: dict[str, object] = {}


@task_prerun.connect
def _enter_task_history(task_id=None, task=None, **kwargs) -> None:
    from keeper.history import history_context

    context = history_context(task=task.name, task_id=task_id)
    context.__enter__()
    _task_history[task_id] = context


@task_postrun.connect
def _exit_task_history(task_id=None, **kwargs) -> None:
    context = _task_history.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
