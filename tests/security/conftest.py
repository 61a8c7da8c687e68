"""The security tests share one world (tests/security/world.py): built once for the package,
inside a transaction rolled back when the package ends; every test runs in a savepoint inside
it (the django_db mark) and every write probe in one of its own, so no test changes it for
the next. Tests here that do not ask for the world run beside it: it only adds rows."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.world import build_world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
