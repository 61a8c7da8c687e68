from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.greenhouse import UnreadableFile, harvest_items
from integrations.services import greenhouse_candidates_import
from keeper.errors import Invalid
from loops.services import hireable_levels
from rubric.selectors import rubric_default


class Command(BaseCommand):
    help = (
        "Import candidates from a Greenhouse Harvest candidates export (the JSON list GET /v1/candidates "
        "answers, or JSON Lines): names, emails and a target level, matched by email so a second run "
        "changes nothing. Rows with problems are listed by line and skipped; the others are written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--level",
            help="Target level for candidates whose export names none (a custom field 'level'); "
            "default: the published rubric's first hireable level.",
        )
        parser.add_argument("--by", metavar="USERNAME", help="Recorded as the person who entered the candidates.")

    def handle(self, *args, file, level, by, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            items = harvest_items(text)
        except UnreadableFile as error:
            raise CommandError(f"{file} is not a Harvest candidates export: {error}. Nothing was imported.") from None
        user = None
        if by:
            user = get_user_model().objects.filter(username=by, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {by!r}.")
        try:
            rubric = rubric_default()
        except Invalid as error:
            raise CommandError(f"{error.message} Load one with load_rubric first.") from None
        hireable = [lv.slug for lv in hireable_levels(rubric)]
        if level is not None and level not in hireable:
            raise CommandError(f"--level {level!r} is not hireable; hireable levels are: {', '.join(hireable)}.")

        report = greenhouse_candidates_import(items=items, by=user, default_level=level or hireable[0])

        for row in report.refused:
            self.stderr.write(f"Skipped line {row.line} (candidate {row.number}): {'; '.join(row.problems)}.")
        self.stdout.write(
            f"{len(items)} candidate(s) read from {file}: {len(report.created)} created, {len(report.updated)} "
            f"updated, {len(report.unchanged)} unchanged, {len(report.refused)} skipped."
        )
        if report.jobs:
            # TODO(#16): jobs become openings once loops.Opening (#14) is on main.
            self.stdout.write(f"Jobs of their applications (not made openings yet): {', '.join(report.jobs)}.")
