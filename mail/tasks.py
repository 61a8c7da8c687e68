from celery import shared_task

from keeper.tasks import RETRY
from mail.services import outbox_deliver


@shared_task(**RETRY)
def outbox_deliver_task() -> int:
    """Run by each sweep after its fan-out, and by beat every minute for what a retry added later."""
    return outbox_deliver()
