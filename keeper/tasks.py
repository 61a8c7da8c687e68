"""What every app's tasks share; the tasks themselves live in each app's tasks.py."""

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
