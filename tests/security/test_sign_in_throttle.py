import time_machine
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD


def test_repeated_token_failures_answer_429_then_the_window_lets_them_back(api, alice, settings):
    # Frozen time moves an in-process cache's clock; a Redis server keeps its own, so use memory here.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SIGN_IN_FAILURES_PER_USER = 3
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        failures = [
            api.post("/api/v1/auth/token/", {"username": "alice", "password": "guess"}).status_code for _ in range(3)
        ]
        blocked = api.post("/api/v1/auth/token/", {"username": "alice", "password": DEFAULT_PASSWORD})
    with time_machine.travel(
        start + timezone.timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW_SECONDS + 1), tick=False
    ):
        later = api.post("/api/v1/auth/token/", {"username": "alice", "password": DEFAULT_PASSWORD})

    assert failures == [400, 400, 400]
    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    assert later.status_code == 200


def test_the_sign_in_page_is_throttled_too(client, alice, settings):
    settings.SIGN_IN_FAILURES_PER_USER = 2
    for _ in range(2):
        assert client.post("/accounts/login/", {"username": "alice", "password": "guess"}).status_code == 200

    response = client.post("/accounts/login/", {"username": "alice", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429


def test_one_users_failures_do_not_block_another(api, alice, bob, settings):
    settings.SIGN_IN_FAILURES_PER_USER = 2
    for _ in range(2):
        api.post("/api/v1/auth/token/", {"username": "alice", "password": "guess"})

    assert api.post("/api/v1/auth/token/", {"username": "bob", "password": DEFAULT_PASSWORD}).status_code == 200
