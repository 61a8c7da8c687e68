"""Filling the benchmark's throwaway database from several processes (bench/seed.py,
bench/bulk.py): the services and the bulk loads wait on PostgreSQL about half the time, so two
processes keep both cores busy."""

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import django_setup  # noqa: F401
from django.db import connection


def shares(total: int, jobs: int) -> list[int]:
    """``total`` split into ``jobs`` near-equal parts."""
    return [total // jobs + (1 if k < total % jobs else 0) for k in range(jobs)]


def in_processes(function, *arguments: list) -> list:
    """``function`` over the argument lists, one call per process (spawned, so each sets Django
    up and opens its own database connection)."""
    connection.close()  # a connection is not shared across processes
    with ProcessPoolExecutor(len(arguments[0]), mp_context=get_context("spawn")) as pool:
        return list(pool.map(function, *arguments))


def commits_without_waiting() -> None:
    """The bench database is thrown away after the run: this connection's commits need not wait
    for the disk. The server the benchmark measures keeps its durable commits."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
