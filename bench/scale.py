"""Time the Keeper summary of one 12-scorecard loop, in process, when the database holds about
1,000 and then ``--large`` submitted scorecards. Prints JSON."""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import django_setup  # noqa: F401
from bulk import add_scorecards, add_submitted_in_parallel
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import user_upsert
from loops.models import Loop
from scorecards import summary as maths
from scorecards.models import Scorecard, ValueRating
from scorecards.summary_store import summary_input

RUNS = 40


def time_summary(loop) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        maths.summary_compute(summary_input(loop))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def explain(loop, out: Path) -> int:
    """EXPLAIN ANALYZE of every query the summary's computation makes, as the database
    holds now: the evidence that none of them reads a table whole (issue #9)."""
    with CaptureQueriesContext(connection) as captured:
        summary_input(loop)
    sections = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            sections.append(f"-- {query['sql']}\n{plan}\n")
    out.write_text("\n".join(sections))
    return len(sections)


def grow_to(total: int, manager) -> None:
    missing = total - Scorecard.objects.submitted().count()
    if missing > 0:
        started = time.perf_counter()
        if missing > 10_000:
            add_submitted_in_parallel(missing, manager=manager)
        else:
            add_scorecards(missing, manager=manager, submitted=True)
        print(
            f"[bench] loaded {missing:,} submitted scorecards in {time.perf_counter() - started:.0f} s", file=sys.stderr
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop", type=int, required=True, help="the seeded loop with 12 submitted scorecards")
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    manager, _, _ = user_upsert(username="bench-hm", roles=["hiring_manager"])
    loop = Loop.objects.select_related("rubric").get(pk=args.loop)
    small_total = 1_000
    grow_to(small_total, manager)
    small = time_summary(loop)
    grow_to(args.large, manager)
    large = time_summary(loop)
    plans = Path(__file__).parent / "results" / "summary-explain.txt"
    plans.parent.mkdir(exist_ok=True)
    explained = explain(loop, plans) if connection.vendor == "postgresql" else 0
    print(
        json.dumps(
            {
                "small": small_total,
                "large": args.large,
                "value_ratings": ValueRating.objects.count(),
                "small_ms": round(small, 2),
                "large_ms": round(large, 2),
                "ratio": round(large / small, 3),
                "explained_queries": explained,
                "explain_file": str(plans.relative_to(Path(__file__).parent.parent)),
            }
        )
    )


if __name__ == "__main__":
    main()
