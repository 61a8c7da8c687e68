"""A real Celery worker against the real Redis broker and PostgreSQL: a scorecard submitted
through the API is summarised by the worker (PRODUCT.md §6). In CI this fails, never skips,
when Redis or PostgreSQL is missing."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from keeper.celery import app as celery_app
from keeper.health import broker_state
from scorecards.models import KeeperSummary
from tests.conftest import assign, complete_body

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 60


def require_services() -> None:
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (DATABASE_URL)")
    if not os.environ.get("CELERY_BROKER_URL") or broker_state() != "ok":
        missing.append("Redis (CELERY_BROKER_URL)")
    if missing:
        message = "needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"The worker integration test {message}; .ci/run starts both.")
        pytest.skip(f"The worker integration test {message}; CI always runs it.")


def worker_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(check, what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)  # polling another process, not waiting out time in ours
    pytest.fail(f"Timed out after {WAIT_SECONDS}s waiting for {what}. Worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def worker(settings):
    require_services()
    queue = f"keeper-test-{uuid.uuid4().hex[:10]}"
    log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_QUEUE": queue,
        "SECRET_KEY": "worker-test",
        "DEBUG": "false",
        "HTTPS": "false",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "--app",
                "keeper",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        wait_for(
            lambda: bool(celery_app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5)),
            "the worker to answer a ping",
            log,
        )
        yield log
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.unlink(missing_ok=True)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_the_summary_after_a_submit(worker, api, loop, alice):
    card = assign(loop, "coding", alice)
    api.force_authenticate(alice)
    assert api.patch(f"/api/v1/scorecards/{card.pk}/", complete_body(card), format="json").status_code == 200

    response = api.post(f"/api/v1/scorecards/{card.pk}/submit/")

    assert response.status_code == 200
    wait_for(
        lambda: (
            (stored := KeeperSummary.objects.filter(loop=loop).first()) is not None
            and stored.is_current
            and stored.data["scorecards"] == 1
        ),
        "the worker to store the refreshed summary",
        worker,
    )
    assert "keeper_summary_refresh_task" in worker.read_text()
