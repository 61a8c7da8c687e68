"""Reads of users that carry rules."""

import hashlib
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Prefetch, QuerySet

from accounts.models import Profile
from accounts.roles import Role, in_hiring_team_role

User = get_user_model()


def users_visible_to(user: AbstractBaseUser) -> QuerySet:
    """The people list is for the hiring team, who pick interviewers and managers
    (Product §7.1); anyone else sees only themselves."""
    users = User.objects.filter(is_active=True).prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=Role.values), to_attr="role_groups")
    )
    if in_hiring_team_role(user):
        return users.order_by("username")
    return users.filter(pk=user.pk)


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA zones this machine knows (the tzdata package where the system has none)."""
    return frozenset(available_timezones())


def time_zone_choices() -> list[str]:
    return sorted(name for name in time_zone_names() if "/" in name or name == "UTC")


def user_time_zone(user: AbstractBaseUser) -> ZoneInfo:
    """The zone a person reads times in: their own, else the site's TIME_ZONE (Product §3)."""
    name = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):  # a zone a newer tzdata dropped: the site's, not a 500
        return ZoneInfo(settings.TIME_ZONE)


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_calendar_token(token: str) -> AbstractBaseUser | None:
    """The active user whose calendar feed this secret opens, or None (unknown or revoked)."""
    profile = (
        Profile.objects.select_related("user")
        .filter(calendar_token_hash=calendar_token_hash(token), user__is_active=True)
        .first()
    )
    return profile.user if profile is not None else None
