"""Background work (PRODUCT.md §6). Tasks take ids, call one service and return a small
result; idempotency lives in the services, so ``acks_late`` redelivery is safe."""

from celery import shared_task
from django.utils import timezone

from scorecards.keeper import keeper_summary_refresh
from scorecards.reminders import digest_recipients, hiring_manager_digest, reminders_due, scorecard_remind

RETRY = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def keeper_summary_refresh_task(loop_id: int) -> bool:
    return keeper_summary_refresh(loop_id=loop_id)


@shared_task(**RETRY)
def scorecard_remind_task(scorecard_id: int) -> list[str]:
    return scorecard_remind(scorecard_id=scorecard_id, now=timezone.now())


@shared_task(**RETRY)
def reminders_sweep_task() -> int:
    """Find every overdue scorecard with one query and fan out one task each."""
    due = reminders_due(timezone.now())
    for scorecard_id in due:
        scorecard_remind_task.delay(scorecard_id)
    return len(due)


@shared_task(**RETRY)
def hiring_manager_digest_task(user_id: int) -> bool:
    return hiring_manager_digest(user_id=user_id, now=timezone.now())


@shared_task(**RETRY)
def digests_sweep_task() -> int:
    recipients = digest_recipients()
    for user_id in recipients:
        hiring_manager_digest_task.delay(user_id)
    return len(recipients)
