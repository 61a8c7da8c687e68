"""Session-authenticated writes need the CSRF token; token-authenticated ones do not; the
deployment headers are on (reliability and security issue)."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.conftest import assign, complete_body, round_of


@pytest.fixture
def session_client(hana):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hana)
    return client


def unsafe_calls(loop, card):
    return [
        ("post", "/api/v1/candidates/", {"name": "Sam", "email": "sam@example.com", "level": "senior"}),
        ("post", f"/api/v1/loops/{loop.pk}/hold/", {}),
        ("patch", f"/api/v1/rounds/{round_of(loop, 'coding').pk}/", {"status": "skipped"}),
        ("post", f"/api/v1/rounds/{round_of(loop, 'coding').pk}/outcome/", {"outcome": "advance"}),
        ("patch", f"/api/v1/scorecards/{card.pk}/", complete_body(card)),
        ("post", f"/api/v1/scorecards/{card.pk}/submit/", {}),
        ("post", f"/api/v1/loops/{loop.pk}/decision/", {"decision": "keep", "rationale": "x"}),
        ("post", f"/loops/{loop.pk}/hold/", {}),
    ]


def test_session_writes_without_a_csrf_token_are_refused(session_client, hana, loop):
    card = assign(loop, "hiring-manager-screen", hana)

    for method, url, body in unsafe_calls(loop, card):
        response = getattr(session_client, method)(url, body, content_type="application/json")
        assert response.status_code == 403, (method, url, response.status_code)

    loop.refresh_from_db()
    assert loop.status == "active"


def test_token_writes_need_no_csrf_token(hana, loop):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Token " + Token.objects.create(user=hana).key)

    response = client.post(f"/api/v1/loops/{loop.pk}/hold/", {}, content_type="application/json")

    assert response.status_code == 200


def test_responses_carry_the_deployment_headers(client, settings, rubric):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False

    response = client.get("/healthz", secure=True)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
