"""manage.py simulate_loops (Product §8.1): synthetic loops written through the services, the
truth as JSON, and a recompute at the end. What the command writes is exactly what the
simulation planned: the report read back from the database is the report of the plan itself,
which is what the recovery tests (test_recovery.py) measure at 300 loops."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from calibration.models import Calibration
from calibration.report import calibration_compute
from calibration.selectors import _questions
from calibration.services import rubric_round_plans
from calibration.simulation import plan_input, plan_loops
from loops.models import Loop, Round
from scorecards.models import Scorecard

pytestmark = pytest.mark.django_db

SIZE = {"loops": 6, "interviewers": 8, "seed": 5}


@pytest.fixture
def simulated(rubric, tmp_path):
    truth = tmp_path / "truth.json"
    call_command("simulate_loops", truth=str(truth), **SIZE)
    return json.loads(truth.read_text())


def test_the_loops_are_written_through_the_services_with_their_truth_and_the_report_of_the_plan(
    simulated, rubric, django_user_model
):
    check_written_as_people_would()
    check_the_truth_file(simulated, rubric)
    check_the_report_is_the_plans(simulated, rubric, django_user_model)


def check_written_as_people_would():
    loops = Loop.objects.filter(candidate__email__startswith="sim5-")

    assert loops.count() == 6
    assert Scorecard.objects.filter(loop__in=loops, status=Scorecard.Status.SUBMITTED).count() == 6 * 6
    assert not Scorecard.objects.filter(loop__in=loops).exclude(status=Scorecard.Status.SUBMITTED).exists()
    # Every interview took place before its scorecard was submitted, and the timeline says so.
    for card in Scorecard.objects.filter(loop__in=loops).select_related("round"):
        assert card.round.scheduled_start < card.submitted_at <= timezone.now()
    assert not Round.objects.filter(loop__in=loops, rubric_round__kind="interview", scheduled_start=None).exists()
    loop = loops.first()
    kinds = set(loop.timeline.values_list("kind", flat=True))
    assert {"loop_opened", "assignment_created", "round_scheduled", "scorecard_submitted"} <= kinds


def check_the_truth_file(simulated, rubric):
    loop_ids = set(Loop.objects.filter(candidate__email__startswith="sim5-").values_list("pk", flat=True))

    assert simulated["rubric"] == rubric.pk
    assert {int(k) for k in simulated["candidates"]} == loop_ids
    assert all(isinstance(level, float) for level in simulated["candidates"].values())
    person = simulated["interviewers"]["sim5-i000"]
    assert isinstance(person["leniency"], float)
    assert set(person["by_value"]) <= {v.slug for v in rubric.values.all()}


def check_the_report_is_the_plans(simulated, rubric, django_user_model):
    rounds = rubric_round_plans(rubric)
    values = [v.slug for v in rubric.values.order_by("order")]
    plan = plan_loops(rounds=rounds, values=values, **SIZE)
    expected = calibration_compute(plan_input(plan, rounds=rounds, values=values, questions=_questions(rubric)))

    stored = Calibration.objects.get(rubric=rubric)

    users = dict(django_user_model.objects.filter(username__startswith="sim5-").values_list("pk", "username"))
    index = {p.username: j for j, p in enumerate(plan.interviewers)}
    found = stored.data
    assert stored.computed_at is not None
    assert (found["loops"], found["scorecards"], found["ratings"]) == (6, 36, expected["ratings"])
    assert len(found["interviewers"]) == len(expected["interviewers"])
    planned = {row["interviewer"]: row for row in expected["interviewers"]}
    for row in found["interviewers"]:
        twin = planned[index[users[row["interviewer"]]]]
        assert (row["ratings"], row["cards"], row["name"]) == (twin["ratings"], twin["cards"], twin["name"])
        assert row["leniency"]["shrunk"] == pytest.approx(twin["leniency"]["shrunk"], abs=1e-4)
        assert row["leniency"]["ci90"] == pytest.approx(twin["leniency"]["ci90"], abs=1e-4)
    assert found["reliability"]["alpha"] == pytest.approx(expected["reliability"]["alpha"], abs=1e-4)
    assert found["reliability"]["ci95"] == pytest.approx(expected["reliability"]["ci95"], abs=1e-4)
    assert found["g_study"]["variance"] == pytest.approx(expected["g_study"]["variance"], abs=1e-5)
    assert found["g_study"]["reads_for_g80"] == expected["g_study"]["reads_for_g80"]
    assert found["questions"] == expected["questions"]
    assert simulated["interviewers"][plan.interviewers[0].username]["leniency"] == pytest.approx(
        plan.interviewers[0].leniency, abs=1e-6
    )


def test_running_it_twice_writes_nothing_twice(simulated, tmp_path):
    counts = (Loop.objects.count(), Scorecard.objects.count())
    truth = tmp_path / "again.json"

    call_command("simulate_loops", truth=str(truth), **SIZE)

    assert (Loop.objects.count(), Scorecard.objects.count()) == counts
    assert json.loads(truth.read_text()) == simulated


def test_bad_arguments_are_refused(rubric):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("simulate_loops", loops=0)
    with pytest.raises(CommandError, match="negative"):
        call_command("simulate_loops", loops=1, leniency_sd=-1)
    assert not Loop.objects.exists()
