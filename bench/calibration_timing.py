"""How long one calibration recompute takes at scale (issue #15: under 30 s for 10,000 loops
and 60,000 scorecards on this machine).

    DATABASE_URL=postgres://… python bench/calibration_timing.py [--loops 10000] [--interviewers 150] [--runs 3]

Creates a throwaway database on the server DATABASE_URL names, migrates it, loads the Netflix
rubric, and bulk-loads the loops of a seeded simulation (calibration.simulation: six submitted
scorecards per loop with their value and criterion ratings, the questions asked, interviewers
with known leniencies) shaped as the services leave them, with bulk inserts and COPY and the
history and sealing triggers off (the rows are measurement data, bench/bulk.py). Then it times
``calibration_recompute`` end to end (gather, compute, store) ``--runs`` times, with the share of
each part, prints a table and the JSON, and drops the database."""

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[calibration bench] {message}", file=sys.stderr, flush=True)


def throwaway_database() -> tuple[str, str, str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a database of its own is created there).")
    parsed = urlparse(base)
    name = f"keeper_bench_calibration_{uuid.uuid4().hex[:8]}"
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin, name, urlunparse(parsed._replace(path=f"/{name}"))


def load(plan, rubric) -> dict:
    """The plan's loops as the services would leave them, written in bulk."""
    import pgtrigger
    from bulk import copy_rows
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.services import roles_ensure
    from loops.models import Assignment, Candidate, Loop, Round
    from rubric.selectors import rubric_structure
    from scorecards.models import CriterionRating, Scorecard, ScorecardRevision, ValueRating

    user_model = get_user_model()
    structure = rubric_structure(rubric)
    round_info = {info.slug: info for info in structure.rounds}
    questions = {q.number: q.id for q in structure.questions}
    values = structure.values_by_slug
    now = timezone.now()
    with transaction.atomic(), pgtrigger.ignore():
        roles_ensure()
        manager = user_model.objects.create(username="bench-manager", password="!")
        people = user_model.objects.bulk_create(
            user_model(username=p.username, first_name=p.first_name, last_name=p.last_name, password="!")
            for p in plan.interviewers
        )
        groups = {g.name: g.pk for g in Group.objects.all()}
        links = [(manager.pk, groups["hiring_manager"])]
        for person, planned in zip(people, plan.interviewers, strict=True):
            links.append((person.pk, groups["interviewer"]))
            if planned.is_director:
                links.append((person.pk, groups["director"]))
        copy_rows(user_model.groups.through, ["user_id", "group_id"], links)
        pk_of = {p.username: p.pk for p in people}

        candidates = Candidate.objects.bulk_create(
            Candidate(name=f"Bench candidate {n}", email=f"bench-calibration-{n}@example.com", level="senior")
            for n in range(len(plan.loops))
        )
        started = [timezone.localdate() - timedelta(days=30 + n % 330) for n in range(len(plan.loops))]
        loops = Loop.objects.bulk_create(
            Loop(
                candidate=c,
                rubric=rubric,
                hiring_manager=manager,
                started_on=day,
                at_risk_from=day + timedelta(weeks=6),
                due_by=day + timedelta(weeks=10),
            )
            for c, day in zip(candidates, started, strict=True)
        )
        rounds = Round.objects.bulk_create(
            Round(loop=loop, rubric_round_id=info.id, order=info.order, status="done", completed_at=now)
            for loop in loops
            for info in structure.rounds
        )
        round_of = {(r.loop_id, r.rubric_round_id): r for r in rounds}
        seats = [(loop, card) for loop, sim in zip(loops, plan.loops, strict=True) for card in sim.cards]
        assignments = Assignment.objects.bulk_create(
            Assignment(round=round_of[(loop.pk, round_info[card.round].id)], interviewer_id=pk_of[card.interviewer])
            for loop, card in seats
        )
        copy_rows(
            Assignment.questions.through,
            ["assignment_id", "question_id"],
            ((a.pk, questions[n]) for a, (_, card) in zip(assignments, seats, strict=True) for n in card.questions),
        )
        copy_rows(
            Assignment.values_in_focus.through,
            ["assignment_id", "rubricvalue_id"],
            (
                (a.pk, values[slug].id)
                for a, (_, card) in zip(assignments, seats, strict=True)
                for slug in card.value_ratings
            ),
        )
        cards = Scorecard.objects.bulk_create(
            Scorecard(
                assignment=a,
                loop=loop,
                round_id=a.round_id,
                interviewer_id=a.interviewer_id,
                status="submitted",
                submitted_at=now,
                ratings_completed_at=now,
                version=3,
            )
            for a, (loop, _) in zip(assignments, seats, strict=True)
        )
        revisions = ScorecardRevision.objects.bulk_create(
            ScorecardRevision(
                scorecard=c,
                number=1,
                recommendation=card.recommendation,
                keeper=card.keeper,
                summary="Bulk-loaded scorecard.",
                author_id=c.interviewer_id,
            )
            for c, (_, card) in zip(cards, seats, strict=True)
        )
        copy_rows(
            ValueRating,
            ["revision_id", "value_id", "rating", "evidence", "pending"],
            (
                (r.pk, values[slug].id, rating, f"Bench evidence for {slug}.", False)
                for r, (_, card) in zip(revisions, seats, strict=True)
                for slug, rating in card.value_ratings.items()
            ),
        )
        copy_rows(
            CriterionRating,
            ["revision_id", "criterion_id", "rating", "notes"],
            (
                (r.pk, criterion, rating, "")
                for r, (_, card) in zip(revisions, seats, strict=True)
                for criterion, rating in card.criterion_ratings.items()
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE scorecards_scorecard s SET current_revision_id = r.id FROM scorecards_scorecardrevision r "
                "WHERE r.scorecard_id = s.id AND s.current_revision_id IS NULL"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "loops": len(loops),
        "scorecards": len(cards),
        "value_ratings": ValueRating.objects.count(),
        "criterion_ratings": CriterionRating.objects.count(),
        "interviewers": len(people),
    }


def timed_recompute(rubric) -> dict:
    """One recompute, end to end, and its parts measured the same way apart."""
    from calibration.report import calibration_compute
    from calibration.selectors import calibration_input, submitted_source
    from calibration.services import calibration_recompute

    started = time.perf_counter()
    calibration_recompute(rubric_id=rubric.pk)
    total = time.perf_counter() - started
    started = time.perf_counter()
    submitted_source(rubric.pk)
    data = calibration_input(rubric)
    gather = time.perf_counter() - started
    started = time.perf_counter()
    calibration_compute(data)
    compute = time.perf_counter() - started
    return {"total": round(total, 2), "gather": round(gather, 2), "compute": round(compute, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loops", type=int, default=10_000)
    parser.add_argument("--interviewers", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    args = parser.parse_args()

    admin, name, url = throwaway_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import django_setup  # noqa: F401
        from django.conf import settings
        from django.core.management import call_command

        from calibration.models import Calibration
        from calibration.services import rubric_round_plans
        from calibration.simulation import plan_loops
        from rubric.services import rubric_load_file

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        rubric = rubric_load_file(path=ROOT / "rubric" / "data" / "netflix-swe.yaml", publish=True).rubric
        started = time.perf_counter()
        plan = plan_loops(
            rounds=rubric_round_plans(rubric),
            values=[v.slug for v in rubric.values.order_by("order")],
            loops=args.loops,
            interviewers=args.interviewers,
            seed=args.seed,
        )
        planned = time.perf_counter() - started
        log(f"planned {args.loops:,} loops in {planned:.1f} s; loading them")
        started = time.perf_counter()
        sizes = load(plan, rubric)
        loaded = time.perf_counter() - started
        log(
            f"loaded {sizes['loops']:,} loops, {sizes['scorecards']:,} scorecards, {sizes['value_ratings']:,} value "
            f"and {sizes['criterion_ratings']:,} criterion ratings in {loaded:.1f} s; timing {args.runs} recomputes"
        )
        runs = [timed_recompute(rubric) for _ in range(args.runs)]
        report = Calibration.objects.get(rubric=rubric).data
        result = {
            **sizes,
            "load_seconds": round(loaded, 1),
            "runs": runs,
            "median_seconds": statistics.median(r["total"] for r in runs),
            "budget_seconds": 30,
            "alpha": report["reliability"]["alpha"],
            "alpha_ci95": report["reliability"]["ci95"],
            "reads_for_g80": report["g_study"]["reads_for_g80"],
            "cpus": os.cpu_count(),
        }
        print(f"{'run':>4} {'total s':>8} {'gather s':>9} {'compute s':>10}")
        for n, run in enumerate(runs, 1):
            print(f"{n:>4} {run['total']:>8} {run['gather']:>9} {run['compute']:>10}")
        print(json.dumps(result))
        if result["median_seconds"] >= 30:
            sys.exit(f"A recompute took {result['median_seconds']} s, over the 30 s budget.")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept {url}")
        else:
            with suppress(Exception), psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
