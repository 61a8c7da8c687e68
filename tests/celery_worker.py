"""A real Celery worker in a subprocess, on the real Redis broker and the test's PostgreSQL
database, on a queue of its own. The worker tests need Redis: on a laptop without it they
skip, in CI (CI=true) they fail."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from keeper import devdb
from keeper.celery import app as celery_app
from keeper.health import broker_state

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 60


def require_services() -> None:
    missing = []
    if not os.environ.get("CELERY_BROKER_URL") or broker_state() != "ok":
        missing.append("Redis (CELERY_BROKER_URL)")
    if missing:
        message = "needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"The worker integration test {message}; .ci/run starts both.")
        pytest.skip(f"The worker integration test {message}; CI always runs it.")


def wait_for(check, what: str, log: Path | None = None, seconds: float = WAIT_SECONDS, every: float = 0.2) -> None:
    """Poll another process until ``check()`` holds: a deadline, not a sleep standing in for one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    tail = log.read_text()[-4000:] if log and log.exists() else ""
    pytest.fail(f"Timed out after {seconds}s waiting for {what}. Worker log:\n{tail}")


class Worker:
    """``start()`` it, ``kill()`` it with SIGKILL, ``start()`` it again; ``stop()`` ends it for good.
    Its queue's name tags its database connections, so a test can see what it is doing.
    ``pool`` "prefork" is production's pool: a parent that acknowledges messages while a child
    process runs the tasks (with "solo" one process does both, and acknowledges only between tasks)."""

    def __init__(self, pool: str = "solo", **env: str) -> None:
        self.pool = pool
        self.queue = f"keeper-test-{uuid.uuid4().hex[:10]}"
        self.hostname = f"{self.queue}@{os.uname().nodename}"
        self.log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self.env = env
        self.process: subprocess.Popen | None = None

    def database_url(self) -> str:
        return f"{devdb.url_for(connection.settings_dict)}?application_name={self.queue}"

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url(),
            "CELERY_QUEUE": self.queue,
            "SECRET_KEY": "worker-test",
            "DEBUG": "false",
            "HTTPS": "false",
            **self.env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "keeper",
            "worker",
            "--pool",
            self.pool,
            "--concurrency",
            "1",
        ]
        command += ["--loglevel", "INFO", "--queues", self.queue, "--hostname", f"{self.queue}@%h"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with self.log.open("a") as out:
            # A session of its own: a kill reaches the worker and nothing else.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(
            lambda: bool(celery_app.control.ping(destination=[self.hostname], timeout=0.5)),
            "the worker to answer a ping",
            self.log,
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool process at once, as the kernel's OOM killer or a lost host would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def freeze_when(self, state, what: str, seconds: float = 10) -> None:
        """Stop the worker (SIGSTOP) at a moment when ``state()`` holds, so a kill lands exactly
        there: it is stopped, looked at, and let go on (SIGCONT) until it is caught in that state."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            os.killpg(self.process.pid, signal.SIGSTOP)
            if state():
                return
            os.killpg(self.process.pid, signal.SIGCONT)
            time.sleep(0.001)  # let it run on a moment before looking again
        pytest.fail(f"Never caught the worker {what} in {seconds}s. Worker log:\n{self.log.read_text()[-4000:]}")

    def thaw(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def pool_processes(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_pool_process(self) -> int:
        """SIGKILL the prefork child running the task; the worker itself lives on and starts a new one."""
        (child,) = self.pool_processes()
        os.kill(child, signal.SIGKILL)
        return child

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def in_transaction(self) -> bool:
        """True while one of the worker's database connections is inside a transaction."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND xact_start IS NOT NULL",
                [self.queue],
            )
            return cursor.fetchone()[0] > 0


@pytest.fixture
def worker_on_queue(settings):
    """Tasks published by the test go to the worker's queue and are no longer run eagerly."""

    def route(worker: Worker) -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = worker.queue

    previous_queue = celery_app.conf.task_default_queue
    workers: list[Worker] = []

    def start(pool: str = "solo", **env: str) -> Worker:
        require_services()
        worker = Worker(pool, **env)
        workers.append(worker)
        route(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.task_always_eager = True
        for worker in workers:
            worker.stop()
            worker.log.unlink(missing_ok=True)
