"""Django's PostgreSQL backend, with a cheaper check of a kept connection.

With persistent connections, Django checks a kept connection before a request's first query
(``CONN_HEALTH_CHECKS``) so that a database restart does not cost each worker a 500: by sending
``SELECT 1`` and waiting for the answer. That round trip was a fifth of the cost of the
smallest authenticated API call (issue #9). A server that ends a connection — a restart, a
``pg_terminate_backend`` — tells the client so on the socket: the connection becomes readable
while it should be silent. So an idle connection with nothing to read is healthy and needs no
query; one with something to read, or not idle, gets Django's ``SELECT 1`` as before."""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
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
