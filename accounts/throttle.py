"""Slow down password guessing on the token endpoint and the sign-in page: repeated failures
for one username, or from one address, answer 429 for a while. Nobody is locked out for
good: the count expires with its window."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    def key(kind: str, value: str) -> str:
        return f"keeper:sign-in-failures:{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"

    return [
        (key("user", username), settings.SIGN_IN_FAILURES_PER_USER),
        (key("address", address), settings.SIGN_IN_FAILURES_PER_ADDRESS),
    ]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def sign_in_blocked(username: str, address: str) -> bool:
    """True while either count has reached its limit within the window."""
    counts = cache.get_many([key for key, _ in _keys(username, address)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(username, address))


def sign_in_failed(username: str, address: str) -> None:
    for key, _ in _keys(username, address):
        if not cache.add(key, 1, timeout=settings.SIGN_IN_FAILURE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=settings.SIGN_IN_FAILURE_WINDOW_SECONDS)
