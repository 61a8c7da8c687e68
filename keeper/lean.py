"""One-row reads over joined tables and plain updates, for the hottest requests (issue #9).

The ORM rebuilds and recompiles a ``select_related`` query on every call; over five or six
tables that cost more than the request's own work. A ``Joined`` read names the models, their
table aliases and the fields wanted once; each read then runs one hand-written statement and
gives model instances as the ORM would (the same converters applied, unread fields deferred so
they load when first read, a LEFT JOIN that found nothing as None). Everything goes through
Django's cursor, so the history context and query counting see these statements as any other."""

from functools import cache
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CharField, DecimalField, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

_converters: WeakKeyDictionary = WeakKeyDictionary()  # per connection: (model, field, alias) → converters


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def cursor(db):
    """A prepared-statement cursor where the backend has one (keeper.dbbackend), else the usual one."""
    return db.prepared_cursor() if hasattr(db, "prepared_cursor") else db.cursor()


def from_db(model: type[Model], values: dict) -> Model:
    """An instance of ``model`` as the ORM loads one, from attribute name → database value
    (already converted); the fields not given are deferred and load when first read.

    What ``Model.from_db`` makes, without running ``Model.__init__``: for a row just read,
    __init__ only stores each value in the instance's __dict__ (through the foreign keys'
    descriptors, which have nothing cached to clear yet) and sends pre_init and post_init. A
    save built 34 instances, and __init__ with its two signals each was a tenth of its time.
    A model something listens to those signals for is built the ORM's way."""
    if (pre_init.receivers or post_init.receivers) and (
        pre_init.has_listeners(model) or post_init.has_listeners(model)
    ):
        names = [name for name in _attnames(model) if name in values]
        return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    attnames = _attnames_set(model)
    instance.__dict__.update(values if values.keys() <= attnames else {k: values[k] for k in values if k in attnames})
    return instance


@cache
def _attnames_set(model: type[Model]) -> frozenset[str]:
    return frozenset(_attnames(model))


def converted(db, model: type[Model], name: str, alias: str, value):
    """``value`` as read from column ``alias.name``, through what the ORM's compiler applies
    to that column (SQLite hands datetimes back as text, for one)."""
    if value is None:
        return None
    known = _converters.setdefault(db, {})
    key = (model, name, alias)
    if key not in known:
        col = model._meta.get_field(name).get_col(alias)
        known[key] = (col, tuple(db.ops.get_db_converters(col) + col.get_db_converters(db)))
    col, functions = known[key]
    for convert in functions:
        value = convert(value, col, db)
    return value


class Joined:
    def __init__(self, parts: dict[str, tuple[type[Model], str, list[str]]]):
        """``parts``: name → (model, table alias in the statement, field names; the first is the key)."""
        self.parts = parts
        self._columns: dict[str, str] = {}
        self._attnames = {
            part: [model._meta.get_field(name).attname for name in names] for part, (model, _, names) in parts.items()
        }

    def columns(self) -> str:
        """The select list, quoted for the current database."""
        db = connections[DEFAULT_DB_ALIAS]
        if db.vendor not in self._columns:
            quote = db.ops.quote_name
            self._columns[db.vendor] = ", ".join(
                f"{alias}.{quote(model._meta.get_field(name).column)}"
                for model, alias, names in self.parts.values()
                for name in names
            )
        return self._columns[db.vendor]

    def read(self, sql: str, params: list) -> tuple[dict[str, Model | None], tuple] | None:
        """Run ``sql`` (whose select list starts with ``columns()``); the instances by part name and
        the row's further columns, or None when no row matched."""
        db = connections[DEFAULT_DB_ALIAS]
        with cursor(db) as statement:
            statement.execute(sql, params)
            row = statement.fetchone()
        if row is None:
            return None
        loaded, at = {}, 0
        for part, (model, alias, names) in self.parts.items():
            values = {
                attname: converted(db, model, name, alias, row[at + i])
                for i, (name, attname) in enumerate(zip(names, self._attnames[part], strict=True))
            }
            at += len(names)
            key = self._attnames[part][0]
            loaded[part] = None if values[key] is None else from_db(model, values)  # None: a LEFT JOIN found nothing
        return loaded, row[at:]


def update_sql(
    model: type[Model], set_values: dict, where: dict, *, increment: str | None = None, guard: str = ""
) -> tuple[str, list]:
    """The ``UPDATE`` that ``update_where`` runs, and its parameters; ``guard`` is a further
    SQL condition (see ``updates_if_claimed``)."""
    db = connections[DEFAULT_DB_ALIAS]
    quote, meta = db.ops.quote_name, model._meta
    assignments, params = [], []
    for name, value in set_values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, db))
    if increment is not None:
        column = quote(meta.get_field(increment).column)
        assignments.append(f"{column} = {column} + 1")
    conditions = []
    for name, value in where.items():
        field = meta.get_field(name)
        conditions.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_value(value, db))
    if guard:
        conditions.append(guard)
    return f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {' AND '.join(conditions)}", params


def update_where(model: type[Model], set_values: dict, where: dict, *, increment: str | None = None) -> int:
    """``UPDATE`` the rows of ``model`` matching ``where`` (field → value, all equal) to
    ``set_values`` (field → value), and add one to the field ``increment``; the number of rows
    changed. One hand-written statement, without the ORM's compilation, which cost more than the
    update on the autosave path (issue #9)."""
    sql, params = update_sql(model, set_values, where, increment=increment)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def rows_update_sql(model: type[Model], names: list[str], rows: list[Model], *, guard: str = "") -> tuple[str, list]:
    """One PostgreSQL ``UPDATE … FROM (VALUES …)`` writing fields ``names`` of each of ``rows``
    (instances holding the new values) to its row, by primary key."""
    db = connections[DEFAULT_DB_ALIAS]
    quote, meta = db.ops.quote_name, model._meta
    fields = [meta.pk] + [meta.get_field(name) for name in names]
    columns = [quote(f.column) for f in fields]
    row_sql = "(" + ", ".join(f"%s::{_values_type(f, db)}" for f in fields) + ")"
    params = [f.get_db_prep_save(getattr(row, f.attname), db) for row in rows for f in fields]
    table, key = quote(meta.db_table), columns[0]
    sql = (
        f"UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c in columns[1:])}"
        f" FROM (VALUES {', '.join([row_sql] * len(rows))}) AS v({', '.join(columns)})"
        f" WHERE {table}.{key} = v.{key}"
    )
    return sql + (f" AND {guard}" if guard else ""), params


def _values_type(field, db) -> str:
    """The type a VALUES column is cast to. An explicit cast to varchar(n) or numeric(p, s)
    would silently cut or round a value; cast to the unbounded type, and the assignment to the
    column refuses what does not fit, as a plain UPDATE would."""
    if isinstance(field, CharField):
        return "text"
    if isinstance(field, DecimalField):
        return "numeric"
    return field.cast_db_type(db)


CLAIMED = "EXISTS (SELECT FROM claim)"


def updates_if_claimed(claim: tuple[str, list], updates: list[tuple[str, list]]) -> bool:
    """Run the ``claim`` UPDATE and, only if it changed a row, ``updates`` (each built with
    ``guard=CLAIMED``): one PostgreSQL statement, so one round trip and no transaction of its
    own to open and commit, and the updates never land without the claim. True if it did."""
    claim_sql, params = claim
    parts = [f"claim AS ({claim_sql} RETURNING 1)"]
    for n, (sql, update_params) in enumerate(updates):
        parts.append(f"write_{n} AS ({sql})")  # a data-modifying WITH runs whether read or not
        params = [*params, *update_params]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT count(*) FROM claim", params)
        return cursor.fetchone()[0] == 1


def related(instance: Model, relation: str) -> list:
    """``instance.<relation>.all()`` as a list: the prefetched rows when there are any, without
    building the related manager Django makes on every attribute access (a few percent of a
    save, which reads each relation several times)."""
    prefetched = getattr(instance, "_prefetched_objects_cache", None)
    if prefetched is not None and relation in prefetched:
        return list(prefetched[relation])
    return list(getattr(instance, relation).all())
