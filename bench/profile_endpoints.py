"""Time and profile the benchmark's endpoints in process, through Django's WSGI handler and
the full middleware stack, without gunicorn or a load generator in the way.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keeper_prof BENCHMARK_ENDPOINTS=true \
        .venv/bin/python bench/profile_endpoints.py [--profile ENDPOINT] [--runs N]

The database DATABASE_URL names must exist, migrated, with the rubric loaded; the first run
seeds it (bench/seed.py's Seeder) and caches the ids in bench/results/profile-seed.json.
Prints per endpoint the median wall and CPU time of one request and the queries it made;
with --profile, cProfile's top functions for that endpoint."""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

import django_setup  # noqa: F401
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, reset_queries

SEED = Path(__file__).parent / "results" / "profile-seed.json"


def seeded(submits: int) -> dict:
    if SEED.exists():
        return json.loads(SEED.read_text())
    from seed import Seeder, draft_body, token

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seeder = Seeder()
    loop = seeder.loop_with_twelve_scorecards()
    drafts = seeder.drafts(20, "behavioral", complete=True)
    submits = seeder.drafts(submits, "coding", complete=True)
    data = {
        "loop": loop.pk,
        "manager_token": token(seeder.manager),
        "drafts": [{"id": c.pk, "token": token(c.interviewer)} for c in drafts],
        "submits": [{"id": c.pk, "token": token(c.interviewer)} for c in submits],
        "draft_body": draft_body(drafts[0]),
        "next_submit": 0,
    }
    SEED.parent.mkdir(exist_ok=True)
    SEED.write_text(json.dumps(data))
    return data


class Caller:
    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, bytes]:
        raw = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8765",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(raw)),
            "CONTENT_TYPE": "application/json",
            "HTTP_HOST": "127.0.0.1",
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Token {token}"
        status = []
        chunks = self.handler(environ, lambda s, h, *a: status.append(s))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), content


def endpoints(data: dict, call: Caller) -> dict:
    versions = {}

    def save(i):
        draft = data["drafts"][i % len(data["drafts"])]
        body = {"version": versions.get(draft["id"], 0), **data["draft_body"]}
        typed = [dict(item) for item in body["value_ratings"]]  # one value's evidence changes, as when typing
        typed[0]["evidence"] = f"{typed[0]['evidence']} {i}"
        body["value_ratings"] = typed
        if draft["id"] not in versions:
            status, content = call("GET", f"/api/v1/scorecards/{draft['id']}/", draft["token"])
            body["version"] = json.loads(content)["version"]
        status, content = call("PATCH", f"/api/v1/scorecards/{draft['id']}/", draft["token"], body)
        versions[draft["id"]] = json.loads(content)["version"]
        return status

    def submit(i):
        draft = data["submits"][data["next_submit"]]
        data["next_submit"] += 1
        return call("POST", f"/api/v1/scorecards/{draft['id']}/submit/", draft["token"], {})[0]

    manager = data["manager_token"]
    return {
        "bare": lambda i: call("GET", "/bench/bare")[0],
        "drf_hello": lambda i: call("GET", "/bench/drf-hello", manager)[0],
        "loop": lambda i: call("GET", f"/api/v1/loops/{data['loop']}/", manager)[0],
        "summary": lambda i: call("GET", f"/api/v1/loops/{data['loop']}/keeper-summary/", manager)[0],
        "save": save,
        "submit": submit,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--only")
    parser.add_argument("--submits", type=int, default=4000, help="submittable drafts the first run seeds")
    args = parser.parse_args()
    data = seeded(args.submits)
    call = Caller()
    table = endpoints(data, call)
    settings.DEBUG = False
    for name, fn in table.items():
        if args.only and name not in args.only.split(","):
            continue
        runs = args.runs if name != "submit" else min(args.runs, 100)
        for i in range(5):
            assert fn(i) == 200, (name, fn(i))
        connection.force_debug_cursor = True
        reset_queries()
        fn(5)
        queries = len(connection.queries)
        connection.force_debug_cursor = False
        walls, cpus = [], []
        for i in range(runs):
            w, c = time.perf_counter(), time.process_time()
            status = fn(i)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            assert status == 200, (name, status)
        print(
            f"{name:<10} wall {statistics.median(walls) * 1000:7.2f} ms  cpu {statistics.median(cpus) * 1000:7.2f} ms"
            f"  queries {queries}"
        )
        if args.profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for i in range(runs):
                fn(i)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(35)
            stats.sort_stats("cumulative").print_stats(60)
    SEED.write_text(json.dumps(data))


if __name__ == "__main__":
    main()
