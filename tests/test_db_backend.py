"""keeper.dbbackend: a kept connection is checked without a round trip, and one the server ended
is still replaced before a request uses it (issue #9; CONN_HEALTH_CHECKS's purpose, kept)."""

import select
import tempfile

import psycopg
import pytest
from django.db import connection


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    assert connection.settings_dict["ENGINE"] == "keeper.dbbackend"
    assert connection.health_check_enabled
    pid = backend_pid()

    terminate(pid)
    # Wait for the server's word on the socket: an event, not a sleep.
    readable, _, _ = select.select([connection.connection.fileno()], [], [], 10)
    assert readable
    connection.close_if_unusable_or_obsolete()  # what Django runs as each request starts

    assert backend_pid() != pid  # a fresh connection, and no error


@pytest.mark.django_db(transaction=True)
def test_a_healthy_kept_connection_is_checked_without_a_query():
    pid = backend_pid()
    with tempfile.TemporaryFile() as trace:
        connection.connection.pgconn.trace(trace.fileno())
        try:
            usable = connection.is_usable()
        finally:
            connection.connection.pgconn.untrace()
        trace.seek(0)
        sent = trace.read()

    assert usable
    assert sent == b""  # not one protocol message: no SELECT 1
    assert backend_pid() == pid


@pytest.mark.django_db(transaction=True)
def test_a_connection_inside_a_transaction_is_checked_with_a_query():
    from django.db import transaction

    with transaction.atomic():
        backend_pid()
        with tempfile.TemporaryFile() as trace:
            connection.connection.pgconn.trace(trace.fileno())
            try:
                assert connection.is_usable()
            finally:
                connection.connection.pgconn.untrace()
            trace.seek(0)
            assert b"SELECT 1" in trace.read()


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_token_check_runs_as_a_prepared_statement_outside_a_write(alice):
    from rest_framework.authtoken.models import Token

    from accounts.auth import TokenAuthentication

    key = Token.objects.create(user=alice).key
    for _ in range(6):  # psycopg prepares a statement from its fifth run on a connection
        user, _token = TokenAuthentication().authenticate_credentials(key)
        assert user.pk == alice.pk

    assert any("auth_group" in statement and "$1" in statement for statement in prepared_statements())


@pytest.mark.django_db(transaction=True)
def test_inside_a_writes_history_context_the_reads_are_still_prepared(alice):
    """pghistory prefixes a write's statements with its context and leaves SELECTs alone, so
    the reads of a save stay prepared; under pgtrigger.ignore, which prefixes every statement,
    the same read takes Django's plain cursor and still works."""
    import pgtrigger
    from rest_framework.authtoken.models import Token

    from accounts.auth import TokenAuthentication
    from keeper.history import history_context

    key = Token.objects.create(user=alice).key
    with history_context(user=alice.pk):
        for _ in range(6):
            user, _token = TokenAuthentication().authenticate_credentials(key)
            assert user.pk == alice.pk
        assert any("auth_group" in statement and "$1" in statement for statement in prepared_statements())
    with pgtrigger.ignore("scorecards.Scorecard:sealed_update"):
        user, _token = TokenAuthentication().authenticate_credentials(key)
        assert user.pk == alice.pk
