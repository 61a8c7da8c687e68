"""Sealed scorecards, enforced by PostgreSQL itself (Product §4: submitted scorecards are
immutable; issue #11). A raw ``UPDATE`` or ``DELETE`` is refused like an ORM one.

What is sealed: a submitted scorecard, and every revision up to the one it points at, with
their ratings, criterion ratings and red flags. An amendment is the only way on: it writes a
new revision (a number past the current one, not sealed while it is being written) and then
moves the scorecard's pointer forward to it, which is the one change a sealed scorecard takes.

The triggers raise SQLSTATE 23001 (restrict_violation), an ``IntegrityError`` in Django, which
the API and the pages answer with 409. Only the anonymization service passes them, with
``pgtrigger.ignore`` (audit.services)."""

import pgtrigger

from keeper.history import SEALED_SQLSTATE

REVISION_TABLE = "scorecards_scorecardrevision"
SCORECARD_TABLE = "scorecards_scorecard"
# A scorecard whose pointer is not yet set (being built) seals nothing; a pointer at a revision
# that is gone seals everything.
_SEALED_REVISION = f"""
    s.status = 'submitted' AND s.current_revision_id IS NOT NULL
    AND r.number <= COALESCE(
        (SELECT c.number FROM {REVISION_TABLE} c WHERE c.id = s.current_revision_id), 2147483647
    )
"""


def _refuse(what: str) -> str:
    return (
        f"RAISE EXCEPTION USING ERRCODE = '{SEALED_SQLSTATE}', "
        f"MESSAGE = 'Sealed: {what} cannot change; amend the scorecard with a reason instead.';"
    )


class ScorecardSealed(pgtrigger.Trigger):
    """A submitted scorecard is never deleted, and the only update it takes moves its pointer
    forward to a newer amendment of its own (with the version and ``updated_at`` that go with it)."""

    when = pgtrigger.Before
    condition = pgtrigger.Q(old__status="submitted")

    def get_func(self, model):
        if self.operation == pgtrigger.Delete:
            return _refuse("a submitted scorecard") + " RETURN NULL;"
        moving = ["current_revision_id", "version", "updated_at"]
        unchanged = f"(to_jsonb(NEW) - ARRAY{moving!r}) = (to_jsonb(OLD) - ARRAY{moving!r})"
        return f"""
            IF NOT {unchanged} OR NEW.version < OLD.version
               OR NEW.current_revision_id IS NOT DISTINCT FROM OLD.current_revision_id THEN
                {_refuse("a submitted scorecard")}
            END IF;
            SELECT number, kind, scorecard_id INTO new_number, new_kind, new_owner
                FROM {REVISION_TABLE} WHERE id = NEW.current_revision_id;
            IF new_owner IS DISTINCT FROM NEW.id THEN
                {_refuse("a submitted scorecard")}
            END IF;
            IF OLD.current_revision_id IS NOT NULL THEN
                SELECT number INTO old_number FROM {REVISION_TABLE} WHERE id = OLD.current_revision_id;
                IF new_kind <> 'amendment' OR new_number <= old_number THEN
                    {_refuse("a submitted scorecard")}
                END IF;
            END IF;
            RETURN NEW;
        """

    def get_declare(self, model):
        if self.operation == pgtrigger.Delete:
            return []
        return [("new_number", "integer"), ("old_number", "integer"), ("new_kind", "text"), ("new_owner", "bigint")]


class ContentSealed(pgtrigger.Trigger):
    """One check per statement (not per row, so a draft save that rewrites nine ratings pays
    once): no row the statement touched belongs to a sealed revision."""

    level = pgtrigger.Statement
    when = pgtrigger.After

    def __init__(self, *, name: str, operation, what: str, is_revision: bool = False) -> None:
        tables = []
        if operation in (pgtrigger.Update, pgtrigger.Delete):
            tables.append("old_rows")
        if operation in (pgtrigger.Update, pgtrigger.Insert):
            tables.append("new_rows")
        super().__init__(
            name=name,
            operation=operation,
            referencing=pgtrigger.Referencing(
                old="old_rows" if "old_rows" in tables else None,
                new="new_rows" if "new_rows" in tables else None,
            ),
        )
        self.tables, self.what, self.is_revision = tables, what, is_revision

    def get_func(self, model):
        join = "" if self.is_revision else f"JOIN {REVISION_TABLE} r ON r.id = x.revision_id"
        alias = "r" if self.is_revision else "x"
        checks = " OR ".join(
            f"""EXISTS (
                SELECT 1 FROM {table} {alias} {join}
                JOIN {SCORECARD_TABLE} s ON s.id = r.scorecard_id
                WHERE {_SEALED_REVISION}
            )"""
            for table in self.tables
        )
        return f"""
            IF {checks} THEN
                {_refuse(self.what)}
            END IF;
            RETURN NULL;
        """


def content_triggers(what: str, *, is_revision: bool = False, inserts: bool = True) -> list:
    """The sealing triggers of one content table."""
    operations = [("update", pgtrigger.Update), ("delete", pgtrigger.Delete)]
    if inserts:
        operations.append(("insert", pgtrigger.Insert))
    return [
        ContentSealed(
            name=f"sealed_{label}",
            operation=operation,
            what=f"{what} of a submitted scorecard",
            is_revision=is_revision,
        )
        for label, operation in operations
    ]


def scorecard_triggers() -> list:
    return [
        ScorecardSealed(name="sealed_update", operation=pgtrigger.Update),
        ScorecardSealed(name="sealed_delete", operation=pgtrigger.Delete),
    ]
