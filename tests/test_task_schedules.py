"""No task waits longer than the broker's visibility timeout (issue #10): Redis hands a message
that a worker took but has not acknowledged to another worker after that long, so a longer
countdown or eta would run the task again and again. KeeperTask refuses one at publish time;
these tests hold that guard and every retry policy to it."""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from keeper.celery import KeeperTask, ScheduleBeyondVisibility
from keeper.celery import app as celery_app
from mail.tasks import outbox_deliver_task

ROOT = Path(__file__).resolve().parent.parent
APPS = ("keeper", "accounts", "mail", "rubric", "loops", "scorecards", "calibration", "integrations", "audit")


def visibility_timeout() -> int:
    return celery_app.conf.broker_transport_options["visibility_timeout"]


def keeper_tasks() -> list:
    celery_app.loader.import_default_modules()
    return [task for name, task in celery_app.tasks.items() if name.split(".")[0] in APPS]


def test_the_visibility_timeout_comes_from_the_settings():
    assert visibility_timeout() == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600


def test_the_reliability_settings_are_on():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_every_task_is_a_keeper_task_acknowledged_late():
    tasks = keeper_tasks()

    assert len(tasks) >= 7
    assert all(isinstance(task, KeeperTask) for task in tasks), [t.name for t in tasks if not isinstance(t, KeeperTask)]
    assert all(task.acks_late for task in tasks), [t.name for t in tasks if not t.acks_late]


def test_every_retry_waits_less_than_the_visibility_timeout():
    for task in keeper_tasks():
        if getattr(task, "autoretry_for", ()):
            longest = task.retry_backoff_max if getattr(task, "retry_backoff", False) else task.default_retry_delay
            assert longest <= visibility_timeout(), f"{task.name} may wait {longest}s before a retry"
        assert task.default_retry_delay <= visibility_timeout(), task.name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "schedule",
    [
        {"countdown": 3601},
        {"eta": datetime.now(UTC) + timedelta(hours=2)},
        {"eta": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
    ],
    ids=["countdown", "eta", "eta-text"],
)
def test_a_countdown_or_eta_past_the_visibility_timeout_is_refused(schedule):
    with pytest.raises(ScheduleBeyondVisibility, match="visibility timeout of 3600s"):
        outbox_deliver_task.apply_async(**schedule)


@pytest.mark.django_db
def test_a_countdown_within_the_visibility_timeout_is_accepted():
    assert outbox_deliver_task.apply_async(countdown=3600).get() == 0


def test_no_code_schedules_a_task_with_a_literal_past_the_visibility_timeout():
    """The guard refuses at run time; this finds one before it runs: every countdown, eta or
    retry delay written in the apps must be a number within the timeout."""
    uses = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg in {"countdown", "eta", "retry_backoff_max", "default_retry_delay"}:
                            uses.append((f"{path.relative_to(ROOT)}:{node.lineno}", keyword.arg, keyword.value))
    for where, name, value in uses:
        assert isinstance(value, ast.Constant) and isinstance(value.value, int | float), (
            f"{where}: {name} is computed; make it a number within the visibility timeout"
        )
        assert value.value <= visibility_timeout(), f"{where}: {name}={value.value}"
