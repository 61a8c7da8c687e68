"""Loops rated by the cast: alice rates the coding interview a point above what bob rates the
system design (the two share innovation and curiosity), so alice reads as lenient and bob as
harsh; hana's hiring-manager screen sits between them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calibration.services import calibration_recompute
from loops.services import loop_open, round_schedule
from scorecards.services import (
    CriterionRatingIn,
    ScorecardContent,
    ValueRatingIn,
    interviewer_assign,
    scorecard_save_draft,
    scorecard_submit,
)
from tests.conftest import at, round_of
from tests.factories import CandidateFactory

EVIDENCE = "evidence_{who}_{slug}_{n}"


def held_loop(n: int, hana, rubric=None):
    """A loop (on ``rubric``, or the published version) whose screens and onsite interviews
    all took place last week."""
    candidate = CandidateFactory(name=f"Candidate {n}", email=f"candidate{n}@example.com", created_by=hana)
    started_on = timezone.localdate() - timedelta(weeks=3)
    loop = loop_open(candidate=candidate, hiring_manager=hana, by=hana, started_on=started_on, rubric=rubric)
    round_schedule(round=round_of(loop, "recruiter-screen"), start=at(20), end=None, by=hana)
    round_schedule(round=round_of(loop, "hiring-manager-screen"), start=at(15), end=None, by=hana)
    round_schedule(round=round_of(loop, "onsite"), start=at(8, hour=9), end=at(7, hour=18), by=hana)
    round_schedule(round=round_of(loop, "coding"), start=at(8, hour=10), end=None, by=hana)
    round_schedule(round=round_of(loop, "system-design"), start=at(8, hour=14), end=None, by=hana)
    return loop


def rate(loop, slug: str, person, rating: int, n: int, *, criterion: int | None = None):
    """Assign ``person`` to round ``slug``, rate every value in focus ``rating``, and submit."""
    assignment = interviewer_assign(round=round_of(loop, slug), interviewer=person, by=loop.hiring_manager)
    card = assignment.scorecard
    criteria = [c.pk for q in assignment.questions.all() for c in q.criteria.all()]
    content = ScorecardContent(
        value_ratings=[
            ValueRatingIn(v.slug, rating, EVIDENCE.format(who=person.username, slug=v.slug, n=n))
            for v in assignment.values_in_focus.all()
        ],
        criterion_ratings=[CriterionRatingIn(pk, criterion or rating, "") for pk in criteria],
        recommendation="yes" if rating >= 3 else "no",
        keeper="yes" if rating >= 3 else "no",
        summary="Rated for calibration.",
    )
    card = scorecard_save_draft(scorecard=card, author=person, version=card.version, content=content)
    return scorecard_submit(scorecard=card, by=person)


@pytest.fixture
def rated_loops(rubric, hana, alice, bob):
    """Three loops: alice 4s on coding, bob 2s on system design, hana 3s on her screen."""
    loops = []
    for n in range(3):
        loop = held_loop(n, hana)
        rate(loop, "coding", alice, 4, n)
        rate(loop, "system-design", bob, 2, n)
        rate(loop, "hiring-manager-screen", hana, 3, n)
        loops.append(loop)
    return loops


@pytest.fixture
def calibrated(rated_loops, rubric):
    return calibration_recompute(rubric_id=rubric.pk)
