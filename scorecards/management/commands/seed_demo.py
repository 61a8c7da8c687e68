from django.core.management.base import BaseCommand

from keeper.history import history_context
from scorecards.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo users and a demo loop (idempotent). For local servers only."

    def handle(self, *args, **options):
        with history_context(command="seed_demo"):
            passwords, loop, created = demo_seed()
        state = "created" if created else "already there"
        self.stdout.write(f"Demo loop {loop.pk} for {loop.candidate.name}: {state}.")
        self.stdout.write("Demo users (username / password):")
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<6} {password}")
