"""One-row reads over joined tables, for the hottest requests (issue #9).

The ORM rebuilds and recompiles a ``select_related`` query on every call; over five or six
tables that cost more than the request's own work. A ``Joined`` read names the models, their
table aliases and the fields wanted once; each read then runs one hand-written statement and
gives model instances as the ORM would (the same converters applied, unread fields deferred so
they load when first read, a LEFT JOIN that found nothing as None)."""

from django.db import connection
from django.db.models import Model


def from_db(model: type[Model], values: dict) -> Model:
    """An instance of ``model`` as the ORM loads one, from attribute name → database value
    (already converted); the fields not given are deferred and load when first read."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, fields, [values[name] for name in fields])


class Joined:
    def __init__(self, parts: dict[str, tuple[type[Model], str, list[str]]]):
        """``parts``: name → (model, table alias in the statement, field names; the first is the key)."""
        self.parts = parts
        self._columns: dict[str, str] = {}

    def columns(self) -> str:
        """The select list, quoted for the current database."""
        vendor = connection.vendor
        if vendor not in self._columns:
            quote = connection.ops.quote_name
            self._columns[vendor] = ", ".join(
                f"{alias}.{quote(model._meta.get_field(name).column)}"
                for model, alias, names in self.parts.values()
                for name in names
            )
        return self._columns[vendor]

    def read(self, sql: str, params: list) -> tuple[dict[str, Model | None], tuple] | None:
        """Run ``sql`` (whose select list starts with ``columns()``); the instances by part name and
        the row's further columns, or None when no row matched."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        loaded, at = {}, 0
        for part, (model, alias, names) in self.parts.items():
            values = []
            for name in names:
                field = model._meta.get_field(name)
                value = row[at]
                at += 1
                if value is not None:
                    col = field.get_col(alias)
                    for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
                        value = convert(value, col, connection)
                values.append(value)
            if values[0] is None:
                loaded[part] = None  # a LEFT JOIN that found nothing
            else:
                attnames = [model._meta.get_field(name).attname for name in names]
                loaded[part] = from_db(model, dict(zip(attnames, values, strict=True)))
        return loaded, row[at:]


def update_where(model: type[Model], set_values: dict, where: dict, *, increment: str | None = None) -> int:
    """``UPDATE`` the rows of ``model`` matching ``where`` (field → value, all equal) to
    ``set_values`` (field → value), and add one to the field ``increment``; the number of rows
    changed. One hand-written statement, without the ORM's compilation, which cost more than the
    update on the autosave path (issue #9). Goes through Django's cursor, so the history
    context and query counting see it as any other write."""
    quote, meta = connection.ops.quote_name, model._meta
    assignments, params = [], []
    for name, value in set_values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    if increment is not None:
        column = quote(meta.get_field(increment).column)
        assignments.append(f"{column} = {column} + 1")
    conditions = []
    for name, value in where.items():
        field = meta.get_field(name)
        conditions.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_value(value, connection))
    sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {' AND '.join(conditions)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
