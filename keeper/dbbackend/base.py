"""Django's PostgreSQL backend, with a cheaper check of a kept connection.

With persistent connections, Django checks a kept connection before a request's first query
(``CONN_HEALTH_CHECKS``) so that a database restart does not cost each worker a 500: by sending
``SELECT 1`` and waiting for the answer. That round trip was a fifth of the cost of the
smallest authenticated API call (issue #9). A server that ends a connection — a restart, a
``pg_terminate_backend`` — tells the client so on the socket: the connection becomes readable
while it should be silent. So an idle connection with nothing to read is healthy and needs no
query; one with something to read, or not idle, gets Django's ``SELECT 1`` as before."""

import select

import psycopg
from django.db.backends.postgresql import base, operations
from psycopg.pq import TransactionStatus


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """For the prepared reads, the statement as Django writes it for server-side binding
        (psycopg keeps no client-side text of a prepared statement): query logs and counts
        see them like any other."""
        if isinstance(cursor, base.ServerBindingCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if readable else True

    def prepared_cursor(self):
        """A cursor for SELECT statements that PostgreSQL keeps prepared: psycopg binds parameters
        on the server and, from a statement's ``prepare_threshold``-th run on a connection, skips
        parsing and planning it. For the hand-written reads every request makes (accounts.auth,
        keeper.lean), whose planning cost as much as running them (issue #9). Django's cursor
        wrapper is kept, so query logging and counting see them.

        An execute wrapper that rewrites statements would make a pair of them, which the
        extended protocol refuses: then this is Django's ordinary cursor. The history context of
        a write (pghistory) leaves SELECT statements as they are, so it does not count."""
        if not all(_leaves_selects_alone(wrapper) for wrapper in self.execute_wrappers):
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(base.ServerBindingCursor(self.connection))


def _leaves_selects_alone(wrapper) -> bool:
    # pghistory.runtime: IGNORED_SQL_PREFIXES starts with "select"; it prefixes writes only.
    return getattr(wrapper, "__module__", None) == "pghistory.runtime" and wrapper.__name__ == "_inject_history_context"
