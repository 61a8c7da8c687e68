"""Twenty people (or tabs) saving one draft at once: the conditional update lets exactly
one save per version through, and the stored text is entirely the winner's."""

import os
import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from scorecards.models import Scorecard
from tests.conftest import assign

THREADS = 20
ROUNDS_OF_SAVES = 3

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" and os.environ.get("CI") != "true",
    reason="row-level concurrency is proven on PostgreSQL (CI runs it there, never skipped)",
)


def save_at_once(scorecard_id: int, author, version: int) -> list[tuple[int, int, dict]]:
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, int, dict]] = []
    lock = threading.Lock()

    def save(writer: int) -> None:
        client = APIClient()
        client.force_authenticate(author)
        body = {
            "version": version,
            "summary": f"summary from writer {writer} at version {version}",
            "value_ratings": [
                {"value": "curiosity", "rating": 1 + writer % 4, "evidence": f"evidence from writer {writer}"},
                {"value": "innovation", "rating": 1 + (writer + 1) % 4, "evidence": f"more from writer {writer}"},
            ],
        }
        try:
            barrier.wait()
            response = client.patch(f"/api/v1/scorecards/{scorecard_id}/", body, format="json")
            with lock:
                results.append((writer, response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(writer,)) for writer in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_saves_leave_one_winner_per_version_and_no_mixed_text(loop, alice):
    scorecard = assign(loop, "coding", alice)

    for version in range(1, ROUNDS_OF_SAVES + 1):
        results = save_at_once(scorecard.pk, alice, version)

        statuses = sorted(status for _, status, _ in results)
        assert statuses == [200] + [409] * (THREADS - 1), statuses
        (winner,) = [writer for writer, status, _ in results if status == 200]
        assert all(body["current_version"] == version + 1 for _, status, body in results if status == 409)
        stored = Scorecard.objects.select_related("current_revision").get(pk=scorecard.pk)
        assert stored.version == version + 1
        assert stored.current_revision.summary == f"summary from writer {winner} at version {version}"
        evidence = dict(stored.current_revision.value_ratings.values_list("value__slug", "evidence"))
        assert evidence == {"curiosity": f"evidence from writer {winner}", "innovation": f"more from writer {winner}"}
