"""The cast used everywhere (STYLE.md §5): alice and bob interview, hana manages
hiring, dora directs, rick recruits, ada administers, eve has no part in any loop."""

from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from keeper import devdb
from keeper.celery import app as celery_app
from loops.services import loop_open
from rubric.services import rubric_load_file
from tests.factories import CandidateFactory, UserFactory

NETFLIX_RUBRIC = Path(__file__).resolve().parent.parent / "rubric" / "data" / "netflix-swe.yaml"

_embedded = ExitStack()


def pytest_configure(config):
    """Without DATABASE_URL the suite runs on the embedded PostgreSQL (keeper/devdb.py), started
    here if it is not running and stopped at the end if this run started it."""
    _embedded.enter_context(devdb.session())


def pytest_unconfigure(config):
    _embedded.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in failure counts live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs a quarter second per user; tests check logic, not key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_tasks(settings):
    """Tasks run in-process in tests; the worker integration tests opt out explicitly."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", roles=["interviewer"], first_name="Alice", last_name="Ng")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", roles=["interviewer"], first_name="Bob", last_name="Ruiz")


@pytest.fixture
def hana(db):
    return UserFactory(username="hana", roles=["hiring_manager", "interviewer"], first_name="Hana", last_name="Sato")


@pytest.fixture
def dora(db):
    return UserFactory(username="dora", roles=["director", "interviewer"], first_name="Dora", last_name="Mills")


@pytest.fixture
def rick(db):
    return UserFactory(username="rick", roles=["recruiter"], first_name="Rick", last_name="Odum")


@pytest.fixture
def ada(db):
    return UserFactory(
        username="ada", roles=["admin"], first_name="Ada", last_name="Byron", is_staff=True, is_superuser=True
    )


@pytest.fixture
def eve(db):
    return UserFactory(username="eve", roles=["interviewer"], first_name="Eve", last_name="Stone")


@pytest.fixture
def rubric(db):
    """The Netflix rubric as the repository ships it, published."""
    return rubric_load_file(path=NETFLIX_RUBRIC, publish=True).rubric


@pytest.fixture
def candidate(db, rubric, hana):
    return CandidateFactory(name="Jordan Rivera", email="jordan@example.com", level="senior", created_by=hana)


@pytest.fixture
def loop(candidate, hana, rick):
    """An active loop that started three weeks ago, run by hana with rick recruiting."""
    return loop_open(
        candidate=candidate,
        hiring_manager=hana,
        recruiter=rick,
        started_on=timezone.localdate() - timedelta(weeks=3),
        by=hana,
    )


def round_of(loop, slug: str):
    return loop.rounds.select_related("rubric_round").get(rubric_round__slug=slug)


def at(days_ago: float, hour: int = 10) -> datetime:
    """A moment ``days_ago`` days before now, at a fixed hour, in the current time zone."""
    moment = timezone.localtime() - timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def assign(loop, slug: str, interviewer, by=None):
    """Put ``interviewer`` on the round ``slug`` with the rubric defaults; returns the draft scorecard."""
    from scorecards.services import interviewer_assign

    assignment = interviewer_assign(round=round_of(loop, slug), interviewer=interviewer, by=by or loop.hiring_manager)
    return assignment.scorecard


def complete_body(scorecard, rating: int = 3, recommendation: str = "yes", keeper: str = "yes") -> dict:
    """A PATCH body that makes ``scorecard`` complete: every value in focus rated with evidence."""
    return {
        "version": scorecard.version,
        "value_ratings": [
            {"value": v.slug, "rating": rating, "evidence": f"Evidence for {v.slug} from {scorecard.interviewer}."}
            for v in scorecard.assignment.values_in_focus.all()
        ],
        "recommendation": recommendation,
        "keeper": keeper,
        "summary": "Solid interview.",
    }


def submit_complete(scorecard, **kwargs):
    """Fill and submit ``scorecard`` through the services; returns it refreshed."""
    from scorecards.services import ScorecardContent, scorecard_save_draft, scorecard_submit

    scorecard.refresh_from_db()
    body = complete_body(scorecard, **kwargs)
    version = body.pop("version")
    scorecard_save_draft(
        scorecard=scorecard,
        author=scorecard.interviewer,
        version=version,
        content=ScorecardContent.from_input(body),
    )
    scorecard_submit(scorecard=scorecard, by=scorecard.interviewer)
    scorecard.refresh_from_db()
    return scorecard


@pytest.fixture
def draft_scorecard(loop, alice):
    """Alice's draft for the coding interview (values in focus: innovation, curiosity, communication)."""
    return assign(loop, "coding", alice)


@pytest.fixture
def bobs_scorecard(loop, bob):
    return assign(loop, "system-design", bob)


def walk_to_onsite(loop, hana):
    """Hold both screens in the past, advance them, and set the onsite over the last two days."""
    from loops.services import round_outcome_record, round_schedule

    for days, slug in ((20, "recruiter-screen"), (15, "hiring-manager-screen")):
        step = round_of(loop, slug)
        round_schedule(round=step, start=at(days), end=None, by=hana)
        round_outcome_record(round=step, outcome="advance", by=hana)
    round_schedule(round=round_of(loop, "onsite"), start=at(3, hour=9), end=at(2, hour=18), by=hana)
