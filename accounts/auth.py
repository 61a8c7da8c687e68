"""Token authentication for the API, in one statement that also brings the user's roles.

DRF's own check builds an ORM query per request and the first role check a second one;
profiling the benchmark (issue #9) showed building the query cost more than the database
round trip. The rules are DRF's: an unknown key or an inactive user is refused."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from keeper import lean

User = get_user_model()


def _statement() -> tuple[str, list[str]]:
    fields = User._meta.concrete_fields
    quote = connection.ops.quote_name
    select = ", ".join(f"u.{quote(field.column)}" for field in fields)
    # The user's roles ride along, so the role checks of the request need no query (accounts.roles).
    roles = (
        "SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id "
        f"WHERE ug.user_id = u.id AND g.name IN ({', '.join(['%s'] * len(Role.values))})"
    )
    sql = (
        f"SELECT t.created, {select}, "
        # A separator no group name contains: roles come back as one string on every backend.
        f"(SELECT {_aggregate()} FROM ({roles}) r) "
        f"FROM {quote(Token._meta.db_table)} t JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        "WHERE t.key = %s"
    )
    return sql, [field.attname for field in fields]


def _aggregate() -> str:
    if connection.vendor == "postgresql":
        return "string_agg(r.name, '|')"
    return "group_concat(r.name, '|')"


class TokenAuthentication(authentication.TokenAuthentication):
    _sql: tuple[str, list[str]] | None = None

    def authenticate_credentials(self, key):
        if TokenAuthentication._sql is None:
            TokenAuthentication._sql = _statement()
        sql, columns = TokenAuthentication._sql
        with lean.cursor(connection) as cursor:
            cursor.execute(sql, [*Role.values, key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        created, values, roles = row[0], row[1:-1], row[-1]
        user = User.from_db(connection.alias, columns, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user._keeper_roles = set(roles.split("|")) if roles else set()
        token = Token(key=key, user=user, created=created)
        token._state.adding, token._state.db = False, connection.alias
        return user, token
