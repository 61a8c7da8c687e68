"""A real Celery worker against the real Redis broker and PostgreSQL: a scorecard submitted
through the API is summarised by the worker (Product §6). In CI this fails, never skips,
when Redis or PostgreSQL is missing."""

import pytest

from scorecards.models import KeeperSummary
from tests.celery_worker import wait_for, worker_on_queue  # noqa: F401 (a fixture)
from tests.conftest import assign, complete_body


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_the_summary_after_a_submit(worker_on_queue, api, loop, alice):  # noqa: F811
    worker = worker_on_queue()
    card = assign(loop, "coding", alice)
    api.force_authenticate(alice)
    assert api.patch(f"/api/v1/scorecards/{card.pk}/", complete_body(card), format="json").status_code == 200

    response = api.post(f"/api/v1/scorecards/{card.pk}/submit/")

    assert response.status_code == 200
    wait_for(
        lambda: (
            (stored := KeeperSummary.objects.filter(loop=loop).first()) is not None
            and stored.is_current
            and stored.data["scorecards"] == 1
        ),
        "the worker to store the refreshed summary",
        worker.log,
    )
    assert "keeper_summary_refresh_task" in worker.log.read_text()
