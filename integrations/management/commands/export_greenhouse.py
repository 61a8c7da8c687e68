import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrations.greenhouse import harvest_export
from integrations.serializers import HarvestScorecardSerializer
from loops.models import Loop


class Command(BaseCommand):
    help = (
        "Write a loop's submitted scorecards as Greenhouse Harvest scorecard objects (Product §8.3), "
        "to stdout or --output. Drafts are never exported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, required=True, metavar="ID")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, loop, output, **options):
        found = Loop.objects.select_related("rubric").filter(pk=loop).first()
        if found is None:
            raise CommandError(f"No loop #{loop}.")
        _, rows = harvest_export(loop=found, reader=None)  # an operator's export: every submitted card
        text = json.dumps(HarvestScorecardSerializer(rows, many=True).data, indent=2, ensure_ascii=False)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{len(rows)} scorecard(s) of loop #{loop} exported to {output}.")
        else:
            self.stdout.write(text)
