"""The API against its own OpenAPI schema (issue #10): Keeper under gunicorn on a free loopback
port, on a seeded PostgreSQL database, and schemathesis over every operation of /api/schema/
once per identity (each role, and nobody), FUZZ_EXAMPLES generated cases per operation
(Hypothesis's max_examples), with these checks: no 5xx; every status, content type and body as documented;
and every request the schema forbids refused. Zero failures is the bar.

CI runs the examples and fuzzing phases with 50 cases per operation, a fixed seed and the six
identities side by side (about two minutes); ``make fuzz`` runs every phase with more cases and
a fresh seed."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from keeper import devdb
from tests.fuzz_seed import fuzz_seed

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing")
# A fixed seed keeps CI's cases the same from run to run; `make fuzz` sets FUZZ_SEED=random.
SEED = os.environ.get("FUZZ_SEED", "20261125")
RUN_SECONDS = int(os.environ.get("FUZZ_TIMEOUT", "600"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    return devdb.url_for(connection.settings_dict)


def stop(process: subprocess.Popen) -> None:
    """End a process started in a session of its own, with everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def start_keeper(port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": "",  # tasks run in the request, as with no broker
        "SECRET_KEY": "fuzz-test-only",
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [str(BIN / "gunicorn"), "keeper.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    # gunicorn answers a request line over 4 KB itself, with an HTML 414; the fuzzer writes such
    # URLs, and it is Keeper's answers that are under test, so every request is let through.
    command += ["--limit-request-line", "0", "--error-logfile", str(log)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/schema/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling the server we started, with a deadline
    pytest.fail(f"gunicorn did not answer in 30s:\n{log.read_text()[-3000:]}")


def start_fuzzer(base: str, identity: str, token: str | None, workdir: Path) -> subprocess.Popen:
    workdir.mkdir()
    command = [str(BIN / "schemathesis"), "run", f"{base}/api/schema/", "--checks", ",".join(CHECKS)]
    command += ["--max-examples", str(EXAMPLES), "--phases", PHASES, "--workers", "1"]
    command += ["--generation-database", "none", "--no-color", "--report", "json", "--report-dir", str(workdir)]
    if SEED != "random":
        command += ["--seed", SEED]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    with (workdir / "output.txt").open("w") as out:
        return subprocess.Popen(
            command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=os.environ.copy()
        )


@pytest.mark.django_db(transaction=True)
def test_every_operation_as_every_identity_answers_as_its_schema_says(tmp_path):
    tokens = fuzz_seed()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    started = time.monotonic()
    server = start_keeper(port, log)
    fuzzers: dict[str, subprocess.Popen] = {}
    try:
        wait_until_up(base, server, log)
        for identity, token in tokens.items():
            fuzzers[identity] = start_fuzzer(base, identity, token, tmp_path / identity)
        deadline = time.monotonic() + RUN_SECONDS
        for identity, fuzzer in fuzzers.items():
            try:
                fuzzer.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pytest.fail(f"schemathesis as {identity} did not finish in {RUN_SECONDS}s")
    finally:
        for fuzzer in fuzzers.values():
            stop(fuzzer)
        stop(server)
    elapsed = time.monotonic() - started

    reports = {}
    for identity in tokens:
        (path,) = (tmp_path / identity).glob("json-*.json")
        reports[identity] = json.loads(path.read_text())
    lines = [
        f"{identity:>15}: {r['operations']['tested']}/{r['operations']['total']} operations, "
        f"{r['test_cases']['generated']} cases, {len(r['failures'])} failures, {len(r['errors'])} errors, "
        f"seed {r['seed']}"
        for identity, r in reports.items()
    ]
    print(f"\nschemathesis, {EXAMPLES} cases per operation, phases {PHASES}, {elapsed:.0f}s:\n" + "\n".join(lines))
    failed = [identity for identity, r in reports.items() if r["exit_code"] != 0 or r["failures"] or r["errors"]]
    details = "\n\n".join(
        f"=== as {identity} ===\n" + (tmp_path / identity / "output.txt").read_text()[-6000:] for identity in failed
    )
    assert not failed, f"schemathesis found failures as {', '.join(failed)}:\n{details}"
    for identity, report in reports.items():
        operations = report["operations"]
        assert operations["tested"] == operations["total"] >= 31, (identity, operations)
        # FUZZ_EXAMPLES is Hypothesis's number per operation; it stops short only where an operation's
        # inputs run out (one small operation now and then), so the whole run comes within 5% of it.
        assert report["test_cases"]["generated"] >= 0.95 * EXAMPLES * operations["tested"], (identity, report)
