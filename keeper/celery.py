"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly (settings), so
Keeper works with no services; the beat schedule lives here (STYLE.md §9)."""

import os

from celery import Celery

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
    }


@app.on_after_configure.connect
def _install_beat_schedule(sender, **kwargs) -> None:
    sender.conf.beat_schedule = beat_schedule()
