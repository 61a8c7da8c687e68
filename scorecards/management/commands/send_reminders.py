from django.core.management.base import BaseCommand
from django.utils import timezone

from keeper.history import history_context
from mail.services import outbox_deliver
from scorecards.reminders import (
    digest_recipients,
    hiring_manager_digest,
    interview_remind,
    interview_reminders_due,
    reminders_due,
    scorecard_remind,
)


class Command(BaseCommand):
    help = (
        "One sweep of due reminders (before interviews, overdue scorecards) and hiring-manager digests, "
        "in this process (idempotent)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        with history_context(command="send_reminders"):
            before = sum(interview_remind(scorecard_id=pk, now=now) for pk in interview_reminders_due(now))
            reminders = sum(len(scorecard_remind(scorecard_id=pk, now=now)) for pk in reminders_due(now))
            digests = sum(hiring_manager_digest(user_id=pk, now=now) for pk in digest_recipients())
            delivered = outbox_deliver()
        self.stdout.write(
            f"{reminders} reminder(s) and {digests} digest(s) sent, and {before} reminder(s) before interviews; "
            f"{delivered} email(s) delivered."
        )
