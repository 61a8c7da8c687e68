"""Background work (Product §6). Tasks take ids, call one service and return a small
result; idempotency lives in the services, so ``acks_late`` redelivery is safe."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from keeper.tasks import RETRY
from mail.tasks import outbox_deliver_task
from scorecards.reminders import (
    digest_recipients,
    hiring_manager_digest,
    interview_remind,
    interview_reminders_due,
    reminders_due,
    scorecard_remind,
)
from scorecards.summary_store import keeper_summary_refresh


def _moment(as_of: str | None) -> datetime:
    return datetime.fromisoformat(as_of) if as_of else timezone.now()


@shared_task(**RETRY)
def keeper_summary_refresh_task(loop_id: int) -> bool:
    return keeper_summary_refresh(loop_id=loop_id)


@shared_task(**RETRY)
def scorecard_remind_task(scorecard_id: int, as_of: str | None = None) -> list[str]:
    return scorecard_remind(scorecard_id=scorecard_id, now=_moment(as_of))


@shared_task(**RETRY)
def reminders_sweep_task(as_of: str | None = None) -> int:
    """Find every overdue scorecard with one query and fan out one task each, then deliver
    the outbox. Each task is handed the sweep's moment: one redelivered after midnight still
    sends that sweep's reminder, not a second day's."""
    now = _moment(as_of)
    due = reminders_due(now)
    for scorecard_id in due:
        scorecard_remind_task.delay(scorecard_id, now.isoformat())
    outbox_deliver_task.delay()
    return len(due)


@shared_task(**RETRY)
def hiring_manager_digest_task(user_id: int, as_of: str | None = None) -> bool:
    return hiring_manager_digest(user_id=user_id, now=_moment(as_of))


@shared_task(**RETRY)
def digests_sweep_task(as_of: str | None = None) -> int:
    now = _moment(as_of)
    recipients = digest_recipients()
    for user_id in recipients:
        hiring_manager_digest_task.delay(user_id, now.isoformat())
    outbox_deliver_task.delay()
    return len(recipients)


@shared_task(**RETRY)
def interview_remind_task(scorecard_id: int, as_of: str | None = None) -> bool:
    return interview_remind(scorecard_id=scorecard_id, now=_moment(as_of))


@shared_task(**RETRY)
def interview_reminders_sweep_task(as_of: str | None = None) -> int:
    """Find the interviews about to start with one query, fan out one task each with the sweep's
    moment, then deliver the outbox."""
    now = _moment(as_of)
    due = interview_reminders_due(now)
    for scorecard_id in due:
        interview_remind_task.delay(scorecard_id, now.isoformat())
    outbox_deliver_task.delay()
    return len(due)
