"""User and role writes, and each person's own settings."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from accounts.roles import Role
from accounts.selectors import calendar_token_hash, time_zone_names
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


# A person's own settings (Product §3) ------------------------------------------------------


def _profile_locked(user: AbstractUser) -> Profile:
    Profile.objects.get_or_create(user=user)
    return Profile.objects.select_for_update().get(user=user)


@transaction.atomic
def profile_time_zone_set(*, user: AbstractUser, time_zone: str) -> Profile:
    """Set the zone the user's pages, emails and invitations show times in. Raises Invalid for a
    name the IANA database does not know."""
    name = time_zone.strip()
    if name not in time_zone_names():
        raise Invalid(
            "Unknown time zone.", errors={"time_zone": [f"{name!r} is not a time zone; choose one from the list."]}
        )
    profile = _profile_locked(user)
    profile.time_zone = "" if name == settings.TIME_ZONE else name
    profile.save(update_fields=["time_zone"])
    return profile


@transaction.atomic
def calendar_feed_create(*, user: AbstractUser) -> str:
    """A new secret address for the user's calendar feed; the old one, if any, stops working.
    Returns the secret, which is stored only hashed: this is the one time it can be shown."""
    token = secrets.token_urlsafe(32)
    profile = _profile_locked(user)
    profile.calendar_token_hash = calendar_token_hash(token)
    profile.calendar_token_created_at = timezone.now()
    profile.save(update_fields=["calendar_token_hash", "calendar_token_created_at"])
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: AbstractUser) -> None:
    """Turn the user's calendar feed off: its address answers 404 from now on."""
    Profile.objects.filter(user=user).update(calendar_token_hash=None, calendar_token_created_at=None)
