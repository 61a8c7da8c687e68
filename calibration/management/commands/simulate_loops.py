"""manage.py simulate_loops --loops N --interviewers M --seed S --truth FILE (Product §8.1):
synthetic loops through the services, interviewers with known leniencies, the truth as JSON,
then a recompute. For demos, tests and benchmarks."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calibration.services import calibration_recompute, loops_simulate, rubric_round_plans
from calibration.simulation import Settings, plan_loops
from rubric.models import Rubric
from rubric.selectors import rubric_default


class Command(BaseCommand):
    help = "Create synthetic loops with known interviewer leniencies, write the truth as JSON, recompute calibration."

    def add_arguments(self, parser):
        parser.add_argument("--loops", type=int, default=100)
        parser.add_argument("--interviewers", type=int, default=20)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--truth", type=Path, help="where to write the truth (JSON)")
        parser.add_argument("--rubric", type=int, help="a published rubric version's id (default: the published one)")
        parser.add_argument("--leniency-sd", type=float, default=Settings.leniency_sd)
        parser.add_argument("--value-leniency-sd", type=float, default=Settings.value_leniency_sd)
        parser.add_argument("--noise-sd", type=float, default=Settings.noise_sd)

    def handle(self, *args, **options):
        if options["loops"] < 1 or options["interviewers"] < 1:
            raise CommandError("--loops and --interviewers must be at least 1.")
        if min(options["leniency_sd"], options["value_leniency_sd"], options["noise_sd"]) < 0:
            raise CommandError("Standard deviations cannot be negative.")
        rubric = Rubric.objects.filter(pk=options["rubric"]).first() if options["rubric"] else rubric_default()
        if rubric is None or rubric.status != Rubric.Status.PUBLISHED:
            raise CommandError("Simulated loops run on a published rubric version.")
        rounds = rubric_round_plans(rubric)
        plan = plan_loops(
            rounds=rounds,
            values=[v.slug for v in rubric.values.order_by("order")],
            loops=options["loops"],
            interviewers=options["interviewers"],
            seed=options["seed"],
            settings=Settings(
                leniency_sd=options["leniency_sd"],
                value_leniency_sd=options["value_leniency_sd"],
                noise_sd=options["noise_sd"],
            ),
        )
        loop_ids = loops_simulate(rubric=rubric, plan=plan, today=timezone.localdate())
        if options["truth"]:
            Path(options["truth"]).write_text(json.dumps(plan.truth(rubric.pk, loop_ids), indent=2))
        calibration = calibration_recompute(rubric_id=rubric.pk)
        self.stdout.write(
            f"Simulated {len(loop_ids)} loops with {len(plan.interviewers)} interviewers (seed {options['seed']}) on "
            f"{rubric}; calibration covers {calibration.data['scorecards']} scorecards."
        )
