"""The API's shortcut through content negotiation keeps DRF's answers (issue #9)."""

import pytest


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (None, 200),
        ("*/*", 200),
        ("application/json", 200),
        ("application/json; indent=2", 200),
        ("text/html", 406),
        ("application/xml", 406),
    ],
)
def test_accept_headers(api, alice, accept, status):
    api.force_authenticate(alice)
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    response = api.get("/api/v1/me/", **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
