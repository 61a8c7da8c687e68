from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit.services import candidate_erase
from keeper.errors import DomainError, Invalid
from keeper.history import history_context
from loops.models import Candidate


class Command(BaseCommand):
    help = (
        "Erase a candidate's personal data on request (Product §9): the same anonymization as the "
        "retention rule, at once, with an erasure record. Asks for confirmation; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("candidate_id", type=int, metavar="ID")
        parser.add_argument("--reason", required=True, help="Why (kept on the record): no personal data.")
        parser.add_argument("--by", help="Username of the Keeper user who asked for the erasure.")
        parser.add_argument(
            "--no-input", "--noinput", "--yes", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, candidate_id, reason, by, interactive, **options):
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate #{candidate_id}.")
        if candidate.anonymized_at is not None:
            self.stdout.write(
                f"Candidate #{candidate_id} was already anonymized on {candidate.anonymized_at:%Y-%m-%d}; nothing to do."
            )
            return
        requester = None
        if by:
            requester = get_user_model().objects.filter(username=by).first()
            if requester is None:
                raise CommandError(f"No user {by!r}.")
        if interactive:
            answer = input(
                f"Erase candidate #{candidate_id} ({candidate.name}): their name, email and every note written "
                "about them, for good? Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Erasure cancelled.")
        try:
            with history_context(command="erase_candidate"):
                erasure = candidate_erase(candidate=candidate, reason=reason, by=requester, via="command")
        except Invalid as error:
            raise CommandError("; ".join(m for ms in error.errors.values() for m in ms)) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Candidate #{candidate_id} erased: {sum(erasure.rows.values())} row(s) rewritten; erasure record #{erasure.pk}."
        )
