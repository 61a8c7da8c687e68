"""Fifty people (or tabs) saving one draft at once: the conditional update lets exactly
one save per version through, and the stored text is entirely the winner's."""

import pytest

from scorecards.models import Scorecard
from tests.concurrency import MAX_THREADS, at_once, statuses, token_client, token_for
from tests.conftest import assign

ROUNDS_OF_SAVES = 3

# One worker runs every race test: fifty connections each, and the server allows a hundred.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]


def save_at_once(scorecard_id: int, key: str, version: int) -> list:
    def save(writer: int):
        body = {
            "version": version,
            "summary": f"summary from writer {writer} at version {version}",
            "value_ratings": [
                {"value": "curiosity", "rating": 1 + writer % 4, "evidence": f"evidence from writer {writer}"},
                {"value": "innovation", "rating": 1 + (writer + 1) % 4, "evidence": f"more from writer {writer}"},
            ],
        }
        return token_client(key).patch(f"/api/v1/scorecards/{scorecard_id}/", body, format="json")

    return at_once(MAX_THREADS, save)


def test_fifty_concurrent_saves_leave_one_winner_per_version_and_no_mixed_text(loop, alice):
    scorecard = assign(loop, "coding", alice)
    key = token_for(alice)

    for version in range(1, ROUNDS_OF_SAVES + 1):
        answers = save_at_once(scorecard.pk, key, version)

        counts = statuses(answers)
        print(f"\nsaves x{MAX_THREADS} at version {version}: {dict(counts)}")
        assert counts == {200: 1, 409: MAX_THREADS - 1}, counts
        (winner,) = [writer for writer, answer in enumerate(answers) if answer.status_code == 200]
        assert all(a.json()["current_version"] == version + 1 for a in answers if a.status_code == 409)
        stored = Scorecard.objects.select_related("current_revision").get(pk=scorecard.pk)
        assert stored.version == version + 1
        assert stored.current_revision.summary == f"summary from writer {winner} at version {version}"
        evidence = dict(stored.current_revision.value_ratings.values_list("value__slug", "evidence"))
        assert evidence == {"curiosity": f"evidence from writer {winner}", "innovation": f"more from writer {winner}"}
