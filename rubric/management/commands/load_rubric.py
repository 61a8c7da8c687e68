from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keeper.errors import Invalid
from rubric.services import rubric_load_file


class Command(BaseCommand):
    help = "Load a rubric data file (idempotent). A changed file whose version is frozen becomes a new draft."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the loaded version if it is still a draft.")

    def handle(self, *args, path: Path, publish: bool, **options):
        try:
            result = rubric_load_file(path=path, publish=publish)
        except Invalid as error:
            lines = [f"  {key}: {message}" for key, messages in error.errors.items() for message in messages]
            raise CommandError("\n".join([f"{path}: {error.message} Nothing was written.", *lines])) from error
        rubric = result.rubric
        suffix = ", published" if result.published else ""
        self.stdout.write(f"{rubric.name} v{rubric.version}: {result.outcome}{suffix} (status {rubric.status}).")
