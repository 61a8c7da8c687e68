"""Django's PostgreSQL backend with a health check of kept connections that costs no round
trip, a cursor whose SELECT statements PostgreSQL keeps prepared (for the hand-written reads of
every request), and those statements' text in query logs (issue #9)."""
