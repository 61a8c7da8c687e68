import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from keeper import devdb

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_the_database_and_broker(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] == ("ok" if settings.CELERY_BROKER_URL else "eager")


def _healthz_in_a_fresh_process(**env: str) -> tuple[int, dict]:
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "keeper.settings",
            "SECRET_KEY": "x",
            "DEBUG": "false",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "testserver",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    return status, body


def test_healthz_answers_503_when_the_database_is_unreachable():
    # Port 9 on loopback has no PostgreSQL: a real refused connection, not a mock.
    status, body = _healthz_in_a_fresh_process(DATABASE_URL="postgres://nobody@127.0.0.1:9/none")

    assert status == 503
    assert body["database"] == "unreachable"


def test_healthz_names_an_unreachable_broker_without_failing(db):
    status, body = _healthz_in_a_fresh_process(
        DATABASE_URL=devdb.url_for(connection.settings_dict), CELERY_BROKER_URL="redis://127.0.0.1:9/0"
    )

    assert status == 200
    assert body["broker"] == "unreachable"
