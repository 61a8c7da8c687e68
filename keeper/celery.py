"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly (settings), so
Keeper works with no services; the beat schedule lives here (STYLE.md §9)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeper.settings")

app = Celery("keeper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    """Times are in TIME_ZONE (CELERY_TIMEZONE): the sweep every few minutes, the digest each morning."""
    from celery.schedules import crontab
    from django.conf import settings

    return {
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
