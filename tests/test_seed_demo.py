from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent
from scorecards.models import Scorecard


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (get_user_model(), Candidate, Loop, Round, Assignment, TimelineEvent)
    }


def test_seed_demo_builds_a_loop_mid_way_and_a_second_run_doubles_nothing(rubric):
    first = seed()
    before = counts()
    second = seed()

    assert "created" in first
    assert "already there" in second
    assert counts() == before
    loop = Loop.objects.get()
    assert loop.current_round.rubric_round.slug == "onsite"
    assert loop.rounds.get(rubric_round__slug="director-final").status == "scheduled"
    assert Assignment.objects.filter(round__loop=loop).count() == 7
    assert "alice  keeper-demo-alice" in second
    assert Scorecard.objects.filter(loop=loop, status="submitted").count() == 2
    assert Scorecard.objects.filter(loop=loop).count() == 7
    assert get_user_model().objects.get(username="alice").check_password("keeper-demo-alice")
