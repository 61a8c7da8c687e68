"""In CI the suite must run against the real services; a missing one fails here
instead of letting tests quietly fall back to SQLite or eager tasks."""

import os

import pytest
from django.conf import settings
from django.db import connection

from keeper.health import broker_state

in_ci = os.environ.get("CI") == "true"


@pytest.mark.skipif(not in_ci, reason="CI runs against PostgreSQL and Redis; a laptop may not")
def test_ci_runs_against_postgresql(db):
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not in_ci, reason="CI runs against PostgreSQL and Redis; a laptop may not")
def test_ci_has_a_reachable_redis_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert broker_state() == "ok"
