"""Session-authenticated writes need the CSRF token, on every route and every unsafe method
(the routes come from the access matrix, whose meta-test holds them to the URL configuration);
token-authenticated ones do not; the deployment headers are on."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from rest_framework.authtoken.models import Token

from tests.security.test_access_matrix import ROWS, Row, allowed_caller, call
from tests.security.test_malformed_input import WRITE_SQL
from tests.security.world import ROLES
from tests.security.writes import WRITES

pytestmark = pytest.mark.django_db

UNSAFE = ["POST", "PUT", "PATCH", "DELETE"]
# Signing in takes no session and sets none: there is no session to ride on.
NO_SESSION = {"api/v1/auth/token/"}


CASES = [
    pytest.param(row, method, id=f"{method} {row.label}")
    for row in ROWS
    if row.pattern not in NO_SESSION
    for method in UNSAFE
]
SERVED = [
    pytest.param(row, method, id=f"{method} {row.label}")
    for row in ROWS
    if row.pattern not in NO_SESSION
    for method in UNSAFE
    if method in row.methods
]


@pytest.fixture(scope="module")
def clients(world) -> dict:
    """Per role, built once (a new client loads the middleware again): signed in by session
    without the CSRF token, by session with it, and by API token."""
    built = {}
    for role in ROLES:
        if role == "anonymous":
            continue
        user = world.user(role)
        bare, with_csrf = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        bare.force_login(user)
        with_csrf.force_login(user)
        with_csrf.get("/interviews/")  # a page sets the CSRF cookie
        with_csrf.defaults["HTTP_X_CSRFTOKEN"] = with_csrf.cookies["csrftoken"].value
        key = Token.objects.get_or_create(user=user)[0].key
        built[role] = {
            "session": bare,
            "session and csrf token": with_csrf,
            "api token": Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {key}"),
        }
    return built


def _body(row: Row, method: str, target):
    body = row.methods.get(method, (None, None))[1]
    return body(target) if callable(body) else body


@pytest.mark.parametrize(("row", "method"), CASES)
def test_a_session_write_without_the_csrf_token_is_refused_and_writes_nothing(world, clients, row, method):
    role, _, target = allowed_caller(world, row, method)

    with CaptureQueriesContext(connection) as queries:
        response = call(clients[role]["session"], row, method, target, _body(row, method, target), undo=False)

    assert response.status_code == 403, response.content[:200]
    assert [q["sql"] for q in queries.captured_queries if WRITE_SQL.match(q["sql"])] == []


@pytest.mark.parametrize(("row", "method"), SERVED)
def test_the_same_write_with_the_csrf_token_goes_through(world, clients, row, method):
    """The refusal above is the token's doing: with it, the answer is the matrix's."""
    role, relation, target = allowed_caller(world, row, method)
    statuses, _ = row.methods[method]

    response = call(clients[role]["session and csrf token"], row, method, target, _body(row, method, target))

    assert response.status_code == statuses[role][relation], response.content[:200]


@pytest.mark.parametrize(("row", "method"), [case for case in SERVED if case.values[0].is_api])
def test_token_writes_need_no_csrf_token(world, clients, row, method):
    role, relation, target = allowed_caller(world, row, method)
    statuses, _ = row.methods[method]

    response = call(clients[role]["api token"], row, method, target, _body(row, method, target))

    assert response.status_code == statuses[role][relation], response.content[:200]


def test_every_unsafe_route_is_probed(world):
    """Every unsafe method on every route of the matrix, and among them every write the API has."""
    served = {(case.values[0].pattern, case.values[1]) for case in SERVED}
    writes = {(resolve(write.path(world)).route, write.method.upper()) for write in WRITES}

    assert len(CASES) == 4 * (len(ROWS) - len(NO_SESSION))
    assert writes - served == set()


def test_responses_carry_the_deployment_headers(client, settings, rubric):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False

    response = client.get("/healthz", secure=True)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
