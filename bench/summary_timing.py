"""Time the Keeper summary of a 7-round loop with 12 submitted scorecards, in process.

Run with the project's settings, against the database DATABASE_URL names (a throwaway
test database is created and dropped):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/keeper .venv/bin/python bench/summary_timing.py

Prints the median and p90 of the full computation (database reads and maths) and of the
maths alone, over repeated runs."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeper.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

RUNS = 200


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        loop = seed()
        from scorecards import summary as maths
        from scorecards.summary_store import summary_input

        full, pure = [], []
        data = summary_input(loop)
        for _ in range(RUNS):
            started = time.perf_counter()
            maths.summary_compute(summary_input(loop))
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            maths.summary_compute(data)
            pure.append(time.perf_counter() - started)
        cards = len(data.cards)
        print(f"database: {connection.vendor}; scorecards in the loop: {cards}; runs: {RUNS}")
        for label, figures in (("full (reads + maths)", full), ("maths alone", pure)):
            ordered = sorted(figures)
            print(
                f"{label:<22} median {statistics.median(ordered) * 1000:7.2f} ms   "
                f"p90 {ordered[int(len(ordered) * 0.9)] * 1000:7.2f} ms"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def seed():
    from accounts.services import user_upsert
    from loops.models import Candidate
    from loops.services import loop_open
    from rubric.services import rubric_load_file
    from scorecards.services import (
        ScorecardContent,
        ValueRatingIn,
        interviewer_assign,
        scorecard_save_draft,
        scorecard_submit,
    )

    rubric = rubric_load_file(path=Path("rubric/data/netflix-swe.yaml"), publish=True).rubric
    manager, _, _ = user_upsert(username="bench-hm", roles=["hiring_manager"], password="x")
    director, _, _ = user_upsert(username="bench-dir", roles=["director", "interviewer"], password="x")
    people = [user_upsert(username=f"bench-{i}", roles=["interviewer"], password="x")[0] for i in range(3)]
    loop = loop_open(
        candidate=Candidate.objects.create(name="Bench Candidate", email="bench@example.com", level="senior"),
        hiring_manager=manager,
        rubric=rubric,
        by=manager,
    )
    rounds = {r.rubric_round.slug: r for r in loop.rounds.select_related("rubric_round")}
    plan = [
        (slug, person)
        for slug in ("recruiter-screen", "hiring-manager-screen", "coding", "system-design", "behavioral")
        for person in people[:2]
    ]
    plan += [("behavioral", people[2]), ("director-final", director)]
    for n, (slug, person) in enumerate(plan):
        scorecard = interviewer_assign(round=rounds[slug], interviewer=person, by=manager).scorecard
        focus = [v.slug for v in scorecard.assignment.values_in_focus.all()]
        scorecard_save_draft(
            scorecard=scorecard,
            author=person,
            version=scorecard.version,
            content=ScorecardContent(
                value_ratings=[
                    ValueRatingIn(s, 1 + (n + i) % 4, f"Evidence {n}-{s}: " + "detail " * 40)
                    for i, s in enumerate(focus)
                ],
                recommendation=["no", "yes", "strong_yes"][n % 3],
                keeper="yes" if n % 4 else "no",
                summary="Summary " * 50,
            ),
        )
        scorecard_submit(scorecard=scorecard, by=person)
    assert len(plan) == 12
    return loop


if __name__ == "__main__":
    main()
