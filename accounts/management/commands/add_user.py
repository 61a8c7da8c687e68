from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import user_upsert
from keeper.errors import Invalid


class Command(BaseCommand):
    help = "Create or update a user with the given roles (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", dest="roles", required=True, choices=Role.values)
        parser.add_argument("--password")
        parser.add_argument("--email")
        parser.add_argument("--name", help="Full name shown to the hiring team.")

    def handle(self, *args, username, roles, password, email, name, **options):
        try:
            user, created, generated = user_upsert(
                username=username, roles=roles, password=password, email=email, name=name
            )
        except Invalid as error:
            raise CommandError("; ".join(m for ms in error.errors.values() for m in ms)) from error
        action = "Created" if created else "Updated"
        line = f"{action} {user.username} with roles {', '.join(sorted(roles))}"
        if generated:
            line += f"; password: {generated}"
        self.stdout.write(line)
