"""User and role writes."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

from accounts.roles import Role
from keeper.errors import Invalid

User = get_user_model()


def roles_ensure() -> None:
    """Create the role groups if they are missing. Idempotent."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def user_upsert(
    *,
    username: str,
    roles: list[str],
    password: str | None = None,
    email: str | None = None,
    name: str | None = None,
) -> tuple[AbstractUser, bool, str | None]:
    """Create or update a user with exactly ``roles``. Returns (user, created, generated password).

    A new user without a password gets a random one, returned once; an existing user keeps
    theirs unless a password is given. The admin role grants the Django admin.
    Raises Invalid for an unknown role or an empty username."""
    problems: dict[str, list[str]] = {}
    if not username.strip():
        problems["username"] = ["A username is required."]
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        problems["roles"] = [f"Unknown role {r!r}; roles are {', '.join(Role.values)}." for r in unknown]
    if problems:
        raise Invalid("The user cannot be saved.", errors=problems)

    roles_ensure()
    user, created = User.objects.get_or_create(username=username.strip())
    generated = None
    if password:
        user.set_password(password)
    elif created:
        generated = secrets.token_urlsafe(12)
        user.set_password(generated)
    if email is not None:
        user.email = email
    if name is not None:
        first, _, last = name.strip().partition(" ")
        user.first_name, user.last_name = first, last
    is_admin = Role.ADMIN.value in roles
    user.is_staff = is_admin
    user.is_superuser = is_admin
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user, created, generated
