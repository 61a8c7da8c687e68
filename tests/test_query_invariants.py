"""Every list and detail endpoint and the summary cost the same number of queries for
1, 10, 100 and 1,000 rows, within pinned budgets (performance issue): loop detail <= 10,
summary <= 12, lists <= 8, draft save <= 15. Measured with token authentication, as
integrations call the API."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.bulk import bulk_loops, bulk_submitted_scorecards
from tests.conftest import assign, complete_body

SIZES = (1, 10, 100, 1000)


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


def count(client, method: str, url: str, body=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = (
            getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
        )
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def grow(loop, target: int, grown: list[int]) -> None:
    missing = target - grown[0]
    if missing:
        bulk_submitted_scorecards(loop, missing)
        grown[0] = target


def test_the_scorecard_list_is_flat_in_scorecards(hana, loop):
    client, grown, counts = client_for(hana), [0], {}
    for size in SIZES:
        grow(loop, size, grown)
        counts[size] = count(client, "get", f"/api/v1/scorecards/?loop={loop.pk}&page_size=500")

    assert len(set(counts.values())) == 1, counts
    assert counts[1] <= 8, counts


def test_the_summary_is_flat_in_scorecards(hana, loop):
    client, grown, stored, computed = client_for(hana), [0], {}, {}
    url = f"/api/v1/loops/{loop.pk}/keeper-summary/"
    count(client, "get", url)  # the first read creates the stored row; later ones update or reuse it
    for size in SIZES:
        grow(loop, size, grown)
        computed[size] = count(client, "get", url)
        stored[size] = count(client, "get", url)

    assert len(set(stored.values())) == 1, stored
    assert len(set(computed.values())) == 1, computed
    assert stored[1] <= 12, stored


def test_the_loop_detail_is_flat_in_assignments(hana, loop):
    """Both when the detail is rendered (the first read after a change; the bulk rows here bypass
    the services, so the kept rendering is dropped by hand) and when it is served as kept."""
    client, grown, rendered, kept = client_for(hana), [0], {}, {}
    for size in SIZES:
        grow(loop, size, grown)
        cache.clear()
        rendered[size] = count(client, "get", f"/api/v1/loops/{loop.pk}/")
        kept[size] = count(client, "get", f"/api/v1/loops/{loop.pk}/")

    assert len(set(rendered.values())) == 1, rendered
    assert len(set(kept.values())) == 1, kept
    assert rendered[1] <= 10, rendered
    assert kept[1] < rendered[1], (kept, rendered)


def test_the_loop_list_is_flat_in_loops(hana, rubric):
    client, counts, made = client_for(hana), {}, 0
    for size in (1, 10, 100):
        bulk_loops(size - made, hana)
        made = size
        counts[size] = count(client, "get", "/api/v1/loops/?page_size=500")

    assert len(set(counts.values())) == 1, counts
    assert counts[1] <= 8, counts


@pytest.mark.parametrize("others", [0, 1000])
def test_a_full_draft_save_stays_within_budget(alice, loop, others):
    if others:
        bulk_submitted_scorecards(loop, others, slug="system-design")
    card = assign(loop, "coding", alice)
    body = complete_body(card)
    criterion = card.assignment.questions.get().criteria.first()
    failure_mode = loop.rubric.failure_modes.first()
    body["criterion_ratings"] = [{"criterion": criterion.pk, "rating": 3, "notes": "Clean token bucket."}]
    body["red_flags"] = [{"failure_mode": failure_mode.pk, "note": "Unclear ownership of the rollout."}]

    queries = count(client_for(alice), "patch", f"/api/v1/scorecards/{card.pk}/", body)

    assert queries <= 15
