"""Background work of the scorecards app (PRODUCT.md §6). Tasks take ids and call one service."""

from celery import shared_task

from scorecards.keeper import keeper_summary_refresh


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def keeper_summary_refresh_task(loop_id: int) -> bool:
    return keeper_summary_refresh(loop_id=loop_id)
