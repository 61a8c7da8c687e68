"""Background work of calibration (Product §8.1): a sweep every minute recomputes the rubric
versions whose submitted scorecards changed (at most once a minute each), and a nightly run
recomputes every one. Tasks take ids and call one service."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from calibration.services import calibration_recompute, calibrations_all, calibrations_due
from keeper.tasks import RETRY


@shared_task(**RETRY)
def calibration_recompute_task(rubric_id: int) -> int:
    """Recompute one rubric version's report; returns how many scorecards it covers."""
    return calibration_recompute(rubric_id=rubric_id).data.get("scorecards", 0)


@shared_task(**RETRY)
def calibration_sweep_task(as_of: str | None = None) -> list[int]:
    """Find the rubric versions with new or amended submissions and enqueue their recompute."""
    now = datetime.fromisoformat(as_of) if as_of else timezone.now()
    due = calibrations_due(now=now)
    for rubric_id in due:
        calibration_recompute_task.delay(rubric_id)
    return due


@shared_task(**RETRY)
def calibration_nightly_task() -> list[int]:
    """Recompute every rubric version with a submitted scorecard, changed or not."""
    rubric_ids = calibrations_all()
    for rubric_id in rubric_ids:
        calibration_recompute_task.delay(rubric_id)
    return rubric_ids
