"""The suite runs against the services it is told to: the database DATABASE_URL names (else the
embedded PostgreSQL), and in CI a real Redis broker. A missing service fails here instead of
letting tests quietly fall back to eager tasks."""

import os

import dj_database_url
from django.conf import settings
from django.db import connection

from keeper import devdb
from keeper.health import broker_state

in_ci = os.environ.get("CI") == "true"


def test_the_suite_runs_on_the_postgresql_it_is_given(db):
    wanted = dj_database_url.parse(devdb.database_url())

    assert connection.vendor == "postgresql"
    assert (connection.settings_dict["HOST"], connection.settings_dict["USER"]) == (wanted["HOST"], wanted["USER"])
    if in_ci:
        assert not devdb.is_embedded(), "CI runs on the system PostgreSQL that .ci/run starts"


def test_a_configured_broker_answers_and_ci_always_configures_one():
    if in_ci:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    if settings.CELERY_BROKER_URL:
        assert broker_state() == "ok"
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER
