"""The record of every change (Product §4 history, issue #11).

PostgreSQL triggers (django-pghistory, built on django-pgtrigger) copy each inserted,
updated or deleted row of a tracked model into its event table, so ``queryset.update()``,
bulk writes and raw SQL are on record like any ``save()``. This module says who and what
caused a change: the request and its user (``HistoryMiddleware``; DRF authenticates after
middleware, and pghistory's request class hears the user being set), a Celery task
(``keeper.celery``) or a management command (``history_context``)."""

from contextlib import AbstractContextManager

import pghistory
import pgtrigger
from django.db import IntegrityError
from django.http import HttpResponse
from pghistory.middleware import HistoryMiddleware as PghistoryMiddleware

# The SQLSTATE the sealing triggers raise (restrict_violation): an IntegrityError in Django.
SEALED_SQLSTATE = "23001"


def tracked(**options):
    """Track every insert, update and delete of a model, one statement-level trigger per
    operation: a draft save that rewrites nine ratings costs one trigger call, not nine."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        level=pgtrigger.Statement,
        **options,
    )


def history_context(**metadata) -> AbstractContextManager:
    """Group the changes made inside under one context with ``metadata`` (``task=``,
    ``command=``, ``user=``); merged into the enclosing context if there is one."""
    return pghistory.context(**metadata)


def is_sealed_refusal(error: BaseException) -> bool:
    """True if a database error is a sealing trigger refusing a write to a submitted scorecard."""
    cause = error.__cause__
    return isinstance(error, IntegrityError) and getattr(cause, "sqlstate", None) == SEALED_SQLSTATE


class HistoryMiddleware(PghistoryMiddleware):
    """pghistory's middleware (user and URL of each request); and a write that a sealing
    trigger refused answers 409 on the pages too, not 500."""

    def process_exception(self, request, exception):
        if is_sealed_refusal(exception):
            return HttpResponse(
                "This scorecard is submitted and sealed; amend it with a reason instead.",
                status=409,
                content_type="text/plain",
            )
        return None


def tracked_links(through, *, model_name: str):
    """Track the rows of a many-to-many table: links are only ever added or removed."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.DeleteEvent(),
        level=pgtrigger.Statement,
        model_name=model_name,
    )(through)
