"""Limits (reliability and security issue): every list of the API pages with a capped page
size, found from the routes of the access matrix rather than listed by hand. The body size
limit (413) is in test_malformed_input.py."""

import pytest
from rest_framework.test import APIClient

from tests.security.test_access_matrix import ROWS

pytestmark = pytest.mark.django_db

LIST_ROUTES = [row for row in ROWS if row.is_api and row.kind == "none" and "GET" in row.methods]


def test_every_list_of_the_api_caps_its_page(world, monkeypatch):
    from rest_framework import views  # noqa: F401  (keeper.api cannot be the first to import DRF's views)

    monkeypatch.setattr("keeper.api.Pagination.max_page_size", 1)  # the admin sees at least two rows of each list
    api = APIClient()
    api.force_authenticate(world.users["ada"])
    capped, not_lists = {}, []

    for row in LIST_ROUTES:
        response = api.get(row.path, {"page_size": 1000})
        assert response.status_code == 200, (row.path, response.content[:200])
        if isinstance(response.json(), list):
            capped[row.path] = (len(response.json()), 'rel="next"' in response.get("Link", ""))
        else:
            not_lists.append(row.path)

    assert capped == dict.fromkeys(capped, (1, True))
    assert sorted(capped) == sorted(
        [
            "/api/v1/users/",
            "/api/v1/rubrics/",
            "/api/v1/candidates/",
            "/api/v1/loops/",
            "/api/v1/scorecards/",
            "/api/v1/webhooks/",
        ]
    )
    assert not_lists == ["/api/v1/me/"]
