"""The access tests share one world per module (tests/security/world.py): built once inside a
transaction that is rolled back when the module ends, with every probe in its own savepoint."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
