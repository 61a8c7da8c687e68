"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly (settings), so
Keeper works with no services; the beat schedule lives here (STYLE.md §9)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeper.settings")

app = Celery("keeper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {}
