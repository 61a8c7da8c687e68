"""Liveness and readiness of the services Keeper depends on."""

from django.conf import settings
from django.db import DatabaseError, connection
from kombu import Connection


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def broker_state() -> str:
    """``eager`` when no broker is configured: tasks then run in-process (Product §6)."""
    if not settings.CELERY_BROKER_URL:
        return "eager"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:  # any transport error means the broker cannot take work
        return "unreachable"
    return "ok"
