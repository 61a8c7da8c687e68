"""The race tests' harness: requests released together by a barrier, one thread each, every
thread on its own database connection (closed when it ends) and its own token-authenticated
client. PostgreSQL's row locks are what these tests are about."""

import threading
from collections import Counter

from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

# PostgreSQL's max_connections (100) is shared by everyone on the machine: fifty request
# threads plus the test's own connection is as far as a race test goes.
MAX_THREADS = 50
JOIN_SECONDS = 120


def token_for(user) -> str:
    """Created before the threads start, so none of them races to create it."""
    return Token.objects.get_or_create(user=user)[0].key


def token_client(key: str) -> APIClient:
    client = APIClient(raise_request_exception=False)  # a crash is counted as the 500 it would be
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def at_once(count: int, send) -> list:
    """Call ``send(index)`` in ``count`` threads released together; returns the answers in index order."""
    assert count <= MAX_THREADS, f"{count} threads would take more than our share of PostgreSQL's connections"
    barrier = threading.Barrier(count)
    answers: list = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_SECONDS)
            answers[index] = send(index)
        except BaseException as exc:  # surfaced below, in the test's own thread
            failures.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,), name=f"racer-{index}") for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a racing request never finished"
    if failures:
        raise failures[0]
    return answers


def statuses(answers) -> Counter:
    return Counter(answer.status_code for answer in answers)
