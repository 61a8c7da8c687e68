"""manage.py calibrate [--rubric ID]: recompute calibration now (Product §8.1)."""

from django.core.management.base import BaseCommand, CommandError

from calibration.services import calibration_recompute, calibrations_all
from rubric.models import Rubric


class Command(BaseCommand):
    help = "Recompute the calibration of one rubric version, or of every version with a submitted scorecard."

    def add_arguments(self, parser):
        parser.add_argument("--rubric", type=int, help="the rubric version's id (default: every version with data)")

    def handle(self, *args, rubric=None, **options):
        if rubric is not None and not Rubric.objects.filter(pk=rubric).exists():
            raise CommandError(f"No rubric version with id {rubric}.")
        rubric_ids = [rubric] if rubric is not None else calibrations_all()
        for rubric_id in rubric_ids:
            calibration = calibration_recompute(rubric_id=rubric_id)
            data = calibration.data
            self.stdout.write(
                f"Rubric {rubric_id}: {data['scorecards']} scorecards, {len(data['interviewers'])} interviewers, "
                f"alpha {data['reliability']['alpha']}, reads for G ≥ 0.80: {data['g_study']['reads_for_g80']}."
            )
        if not rubric_ids:
            self.stdout.write("No submitted scorecards: nothing to calibrate.")
