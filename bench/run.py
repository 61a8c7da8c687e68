"""Keeper's benchmark: every speed goal is a ratio to a baseline measured in the same run on the
same server, and every scale goal a ratio of the same work on small and large data.

    make bench            # full run (needs PostgreSQL in DATABASE_URL, Redis in CELERY_BROKER_URL, wrk)
    make bench QUICK=1    # a shorter run for development

Starts Keeper under gunicorn on 127.0.0.1 with production-like settings (DEBUG off, persistent
database connections), seeds a database of its own through the services, drives each endpoint
with wrk (one load generator process, the same concurrency for all), and stops everything it
started when it ends, also on Ctrl-C or failure. Prints one table and writes
bench/results/latest.json."""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack, suppress
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765
GUNICORN_WORKERS = 4  # 2 cores: two sync workers per core keeps both busy while one waits on PostgreSQL
CONNECTIONS = 16
THREADS = 2
SEED_JOBS = 2  # seeding processes: the services wait on PostgreSQL about half the time


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:4.0f} s] {message}", flush=True)


class Bench:
    def __init__(self, quick: bool, http_only: bool = False, workers: int = GUNICORN_WORKERS):
        self.quick = quick
        self.http_only = http_only
        self.workers = workers
        self.rounds = 2 if quick else 3
        self.seconds = 3 if quick else 5
        self.warmup = 1 if quick else 2
        self.stack = ExitStack()
        self.tmp = Path(tempfile.mkdtemp(prefix="keeper-bench-"))
        self.stack.callback(shutil.rmtree, self.tmp, ignore_errors=True)
        base_url = os.environ.get("DATABASE_URL", "")
        if not base_url.startswith(("postgres://", "postgresql://")):
            sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL (as .ci/run does).")
        self.broker = os.environ.get("CELERY_BROKER_URL", "")
        if not self.broker.startswith("redis://"):
            sys.exit("The benchmark needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0.")
        if shutil.which("wrk") is None:
            sys.exit("The benchmark drives load with wrk: apt-get install wrk.")
        parsed = urlparse(base_url)
        self.admin_url = urlunparse(parsed._replace(path="/postgres"))
        self.db_name = f"keeper_bench_{uuid.uuid4().hex[:8]}"
        self.db_url = urlunparse(parsed._replace(path=f"/{self.db_name}"))
        self.env = {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "DB_CONN_MAX_AGE": "600",
            "SECRET_KEY": secrets.token_hex(32),
            "DEBUG": "false",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BENCHMARK_ENDPOINTS": "true",
            "STATIC_MANIFEST": "false",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        }

    # Lifecycle ------------------------------------------------------------------------

    def run(self) -> dict:
        with self.stack:
            self.create_database()
            self.manage("migrate", "--noinput")
            self.manage("load_rubric", "rubric/data/netflix-swe.yaml", "--publish")
            data = self.seed()
            server = self.start_server()
            results = self.http(data)
            self.stop(server)
            if not self.http_only:
                results["scale"] = self.scale(data["loop"])
                results["sweep"] = self.sweep()
            return results

    def create_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
            server_version = conn.execute("SHOW server_version").fetchone()[0]
        self.postgres_version = server_version
        self.stack.callback(self.drop_database)
        log(f"database {self.db_name} (PostgreSQL {server_version})")

    def drop_database(self) -> None:
        with suppress(Exception), psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)

    def script(self, name: str, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, str(ROOT / "bench" / name), *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.PIPE,  # the JSON answer; progress on stderr goes to the terminal
            text=True,
        )
        return result.stdout

    def spawn(self, args: list[str], name: str) -> subprocess.Popen:
        logfile = (self.tmp / f"{name}.log").open("w")
        process = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.stack.callback(self.stop, process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    # Seeding and serving --------------------------------------------------------------

    def seed(self) -> dict:
        drafts = 100 if self.quick else 200
        submits = 2000 if self.quick else 5000
        out = self.tmp / "seed.json"
        log(
            self.script(
                "seed.py", str(out), "--drafts", str(drafts), "--submits", str(submits), "--jobs", str(SEED_JOBS)
            ).strip()
        )
        self.settle()
        return json.loads(out.read_text())

    def settle(self) -> None:
        """Measure the steady state, not the seed's aftermath: fresh planner statistics, and the
        seed's dirty pages written out before the first run (else a checkpoint lands in it and
        every commit waits on the disk)."""
        started = time.monotonic()
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
            try:
                conn.execute("CHECKPOINT")
            except psycopg.errors.InsufficientPrivilege:
                log("no CHECKPOINT (needs superuser or pg_checkpoint): a checkpoint may land in a run")
        log(f"settled (VACUUM ANALYZE, CHECKPOINT) in {time.monotonic() - started:.1f} s")

    def start_server(self) -> subprocess.Popen:
        args = [
            PYTHON,
            "-m",
            "gunicorn",
            "keeper.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ]
        server = self.spawn(args, "gunicorn")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with suppress(OSError):
                if urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).status == 200:
                    log(f"gunicorn up: {self.workers} sync workers on 127.0.0.1:{PORT}")
                    return server
            time.sleep(0.2)
        sys.exit("gunicorn did not answer /healthz within 60 s: " + (self.tmp / "gunicorn.log").read_text()[-2000:])

    # HTTP endpoints --------------------------------------------------------------------

    def lua(self, name: str, body: str) -> Path:
        path = self.tmp / f"{name}.lua"
        path.write_text(body)
        return path

    def wrk(self, path: str, script: Path, seconds: int) -> dict:
        command = [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}{path}",
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"wrk failed on {path}: {result.stderr.strip() or result.stdout.strip()}")
        output = result.stdout
        for line in output.splitlines():
            if line.startswith("UNEXPECTED"):
                log(f"{path}: {line}")
        return parse_wrk(output)

    def run_once(self, state: dict, seconds: int) -> dict:
        """One wrk run of an endpoint; ``state`` holds its path, script and the requests sent so far
        (a callable script gets a fresh Lua file per run from that count)."""
        script = state["script"]
        lua = script(state["sent"]) if callable(script) else script
        run = self.wrk(state["path"], lua, seconds)
        # The submit script reports how far each thread got in its share (row i goes to thread
        # i mod THREADS): the next run starts after the furthest, so no draft is sent twice.
        state["sent"] += run["consumed"] if run["consumed"] is not None else run["requests"]
        # Let the server finish the requests in flight before the next run reads versions.
        state["answered_200"] += run["requests"] - run["errors"]
        time.sleep(0.5)
        return run

    def http(self, data: dict) -> dict:
        """Round-robin: a warm-up of every endpoint, then each round runs every endpoint once,
        bare first. Each endpoint's ratio is taken to the bare run of its own round and the
        median over rounds reported, so a machine that slows or speeds up during the run (a
        shared VM does) moves the endpoint and its baseline together."""
        manager = data["manager_token"]
        get = GET_LUA.replace("TOKEN", manager)
        endpoints = {
            "bare": ("/bench/bare", self.lua("bare", "wrk.method = 'GET'\n")),
            "drf_hello": ("/bench/drf-hello", self.lua("drf_hello", get)),
            "loop detail": (f"/api/v1/loops/{data['loop']}/", self.lua("loop", get)),
            "keeper summary": (f"/api/v1/loops/{data['loop']}/keeper-summary/", self.lua("summary", get)),
            "draft save": ("/", lambda sent: self.lua("patch", patch_lua(data, self.versions(data["drafts"])))),
            "submit": ("/", lambda sent: self.lua("submit", submit_lua(data["submits"][sent:]))),
        }
        states = {
            name: {"path": path, "script": script, "sent": 0, "answered_200": 0, "runs": []}
            for name, (path, script) in endpoints.items()
        }
        for state in states.values():
            self.run_once(state, self.warmup)  # not measured
        for round_number in range(1, self.rounds + 1):
            for state in states.values():
                state["runs"].append(self.run_once(state, self.seconds))
            log(f"round {round_number}: " + ", ".join(f"{n} {st['runs'][-1]['rps']:.0f}" for n, st in states.items()))
        bare_runs = states["bare"]["runs"]
        results = {}
        for name, state in states.items():
            runs = state["runs"]
            median = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_ms", "p99_ms")}
            median["errors"] = sum(run["errors"] for run in runs)
            median["requests"] = sum(run["requests"] for run in runs)
            ratios = [run["rps"] / bare["rps"] for run, bare in zip(runs, bare_runs, strict=True) if bare["rps"]]
            median["ratio"] = round(statistics.median(ratios), 3) if ratios else None
            median["round_ratios"] = [round(r, 3) for r in ratios]
            log(
                f"{name:<16} {median['rps']:8.1f} req/s  p50 {median['p50_ms']:6.1f} ms  p99 {median['p99_ms']:6.1f} ms"
                f"  errors {median['errors']}  ratio per round {median['round_ratios']}"
            )
            results[name] = median
        results["submit"]["answered_200"] = states["submit"]["answered_200"]
        results["submit"]["sent"] = states["submit"]["sent"]
        results["submit"]["verified"] = self.verify_submits(data)
        return {"endpoints": results}

    def versions(self, drafts: list[dict]) -> dict[int, int]:
        """The drafts' current versions, so every run starts from what the last one left."""
        with psycopg.connect(self.db_url) as conn:
            rows = conn.execute(
                "SELECT id, version FROM scorecards_scorecard WHERE id = ANY(%s)", ([d["id"] for d in drafts],)
            ).fetchall()
        return dict(rows)

    def verify_submits(self, data: dict) -> dict:
        """Every 200 of the submit runs (warm-up included) must have left a submitted row."""
        ids = [d["id"] for d in data["submits"]]
        with psycopg.connect(self.db_url) as conn:
            submitted = conn.execute(
                "SELECT count(*) FROM scorecards_scorecard WHERE status = 'submitted' AND id = ANY(%s)", (ids,)
            ).fetchone()[0]
        return {"prepared": len(ids), "submitted_rows": submitted}

    # Scale and the sweep ---------------------------------------------------------------

    def scale(self, loop_id: int) -> dict:
        big = 20_000 if self.quick else 100_000
        log(f"scale: summary of a 12-scorecard loop with 1,000 then {big:,} submitted scorecards in the database")
        return json.loads(self.script("scale.py", "--loop", str(loop_id), "--large", str(big)))

    def sweep(self) -> dict:
        count = 2_000 if self.quick else 10_000
        worker = self.spawn(
            [
                PYTHON,
                "-m",
                "celery",
                "--app",
                "keeper",
                "worker",
                "--include",
                "bench.tasks",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--prefetch-multiplier",
                "1",
            ],
            "worker",
        )
        try:
            result = json.loads(self.script("sweep.py", "--count", str(count)))
        finally:
            self.stop(worker)
        log(f"sweep: {count:,} reminders {result['sweep_seconds']} s, {count:,} no-op tasks {result['noop_seconds']} s")
        return result


GET_LUA = """wrk.method = "GET"
wrk.headers["Authorization"] = "Token TOKEN"
"""


def patch_lua(data: dict, versions: dict[int, int]) -> str:
    """Each virtual user saves its own drafts, carrying the version the last answer gave; every
    save changes one value's evidence, as an autosave does while the interviewer types."""
    rows = ",".join(f'{{{d["id"]},"{d["token"]}",{versions[d["id"]]}}}' for d in data["drafts"])
    body = json.dumps(data["draft_body"]).replace("\\", "\\\\").replace("'", "\\'")
    return f"""
local all = {{{rows}}}
local mine, next_index, counter, typed = {{}}, 1, 0, 0
local template = '{body}'
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args)
  for i, row in ipairs(all) do
    if (i - 1) % {THREADS} == (id - 1) then mine[#mine + 1] = {{id = row[1], token = row[2], version = row[3]}} end
  end
end
function request()
  local draft = mine[next_index]
  next_index = next_index % #mine + 1
  typed = typed + 1
  local edited = string.gsub(template, "Saved again under load", "Saved again under load " .. id .. "." .. typed, 1)
  local body = '{{"version":' .. draft.version .. ',' .. string.sub(edited, 2)
  return wrk.format("PATCH", "/api/v1/scorecards/" .. draft.id .. "/",
    {{["Authorization"] = "Token " .. draft.token, ["Content-Type"] = "application/json"}}, body)
end
local shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 2 then shown = shown + 1; print("UNEXPECTED " .. status .. " " .. string.sub(body, 1, 300)) end
  if status == 200 then
    local id = tonumber(string.match(body, '"id":(%d+)'))
    local version = tonumber(string.match(body, '"version":(%d+)'))
    for _, draft in ipairs(mine) do if draft.id == id then draft.version = version end end
  end
end
"""


def submit_lua(submits: list[dict]) -> str:
    """One prepared draft per request; a draft is never submitted twice."""
    if not submits:
        sys.exit("Every prepared draft is submitted: raise --submits in bench/seed.py for this machine.")
    rows = ",".join(f'{{{d["id"]},"{d["token"]}"}}' for d in submits)
    return f"""
local all = {{{rows}}}
local mine, counter, threads = {{}}, 0, {{}}
next_index = 1  -- a global, so that done() can read each thread's with thread:get
function setup(thread) counter = counter + 1; thread:set("id", counter); threads[counter] = thread end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do io.write("CONSUMED " .. (thread:get("next_index") - 1) .. "\\n") end
end
function init(args)
  for i, row in ipairs(all) do
    if (i - 1) % {THREADS} == (id - 1) then mine[#mine + 1] = row end
  end
end
function request()
  local draft = mine[next_index]
  if draft == nil then draft = mine[#mine] else next_index = next_index + 1 end
  return wrk.format("POST", "/api/v1/scorecards/" .. draft[1] .. "/submit/",
    {{["Authorization"] = "Token " .. draft[2], ["Content-Type"] = "application/json"}}, "{{}}")
end
local shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 2 then shown = shown + 1; print("UNEXPECTED " .. status .. " " .. string.sub(body, 1, 300)) end
end
"""


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latency = {int(p): _ms(v, u) for p, v, u in re.findall(r"\s(\d+)%\s+([\d.]+)(us|ms|s|m)\b", output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    # A thread that took c rows of its share has passed row c * THREADS of the whole list.
    consumed = [int(c) for c in re.findall(r"^CONSUMED (\d+)$", output, re.MULTILINE)]
    return {
        "consumed": max(consumed) * THREADS if consumed else None,
        "rps": rps,
        "p50_ms": latency.get(50, 0.0),
        "p99_ms": latency.get(99, 0.0),
        "errors": errors,
        "requests": requests,
    }


GOALS = {  # figure: (floor, target); ratios to bare are "at least", scale ratios "at most"
    "draft save": (0.10, 0.20),
    "submit": (0.08, 0.15),
    "loop detail": (0.15, 0.25),
    "keeper summary": (0.15, 0.30),
    "drf_hello": (0.40, 0.60),
}


def report(results: dict, quick: bool) -> None:
    endpoints = results["endpoints"]
    print()
    print(
        f"{'endpoint':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'÷ bare':>7}  goal (floor / target)"
    )
    for name, row in endpoints.items():
        floor, target = GOALS.get(name, (None, None))
        goal = f"{floor} / {target}" if floor else ""
        mark = "" if floor is None else ("  ok" if row["ratio"] >= floor else "  BELOW FLOOR")
        print(
            f"{name:<16} {row['rps']:9.1f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['errors']:7d} "
            f"{row['ratio']:7.3f}  {goal}{mark}"
        )
    submit = endpoints["submit"]
    verified, answered, sent = submit["verified"], submit["answered_200"], submit["sent"]
    # Every 200 must have left a submitted row, and no draft was submitted that was not sent
    # (the difference is requests in flight when wrk stopped, which the server still finished).
    held = answered <= verified["submitted_rows"] <= sent
    print(
        f"\nsubmit check: {answered} answers of 200 (warm-ups included), {sent} drafts sent, "
        f"{verified['submitted_rows']} of {verified['prepared']} prepared drafts now submitted: "
        + ("ok" if held else "FAILED")
    )
    if "scale" not in results:
        return
    scale, sweep = results["scale"], results["sweep"]
    print(
        f"summary at {scale['large']:,} ÷ at {scale['small']:,} scorecards: {scale['ratio']:.2f} "
        f"({scale['small_ms']:.1f} ms → {scale['large_ms']:.1f} ms; floor ≤ 1.5, target ≤ 1.2); "
        f"EXPLAIN ANALYZE of its {scale['explained_queries']} queries at {scale['large']:,}: {scale['explain_file']}"
    )
    print(
        f"reminder sweep of {sweep['count']:,} ÷ {sweep['count']:,} no-op tasks: {sweep['ratio']:.2f} "
        f"({sweep['sweep_seconds']} s ÷ {sweep['noop_seconds']} s; floor ≤ 3, target ≤ 2)"
    )
    if quick:
        print("(quick mode: shorter runs and smaller data; use the full run for the README table)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs and smaller data, for development")
    parser.add_argument("--http-only", action="store_true", help="the HTTP table only, no scale or sweep figures")
    parser.add_argument(
        "--workers", type=int, default=GUNICORN_WORKERS, help="gunicorn workers (the README's figures use the default)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup on termination too
    started = time.monotonic()
    bench = Bench(quick=args.quick, http_only=args.http_only, workers=args.workers)
    results = bench.run()
    results["environment"] = {
        "cpus": os.cpu_count(),
        "gunicorn_workers": bench.workers,
        "gunicorn_worker_class": "sync",
        "postgresql": bench.postgres_version,
        "load_tool": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
        "load_flags": f"-t{THREADS} -c{CONNECTIONS} -d{bench.seconds}s x{bench.rounds} rounds (median), "
        f"warm-up {bench.warmup}s",
        "quick": args.quick,
        "seconds": round(time.monotonic() - started),
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "latest.json").write_text(json.dumps(results, indent=2))
    report(results, args.quick)
    print(
        f"\n{results['environment']['load_tool']}; {results['environment']['load_flags']}; "
        f"{bench.workers} gunicorn sync workers; {os.cpu_count()} CPUs; PostgreSQL {bench.postgres_version}; "
        f"{results['environment']['seconds']} s in all. Figures in bench/results/latest.json."
    )


if __name__ == "__main__":
    main()
