from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.export import candidate_export_json
from loops.models import Candidate


class Command(BaseCommand):
    help = "Write everything Keeper holds about one candidate as JSON (Product §9), to stdout or --output."

    def add_arguments(self, parser):
        parser.add_argument("candidate_id", type=int, metavar="ID")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, candidate_id, output, **options):
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate #{candidate_id}.")
        text = candidate_export_json(candidate)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Candidate #{candidate_id} exported to {output}.")
        else:
            self.stdout.write(text)
