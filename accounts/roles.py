"""Roles are Django groups (Product §1); read them through ``has_role`` only."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models


class Role(models.TextChoices):
    INTERVIEWER = "interviewer", "Interviewer"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    DIRECTOR = "director", "Director"
    RECRUITER = "recruiter", "Recruiter"
    ADMIN = "admin", "Admin"


def role_names(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    """The user's role names, cached on the instance for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_keeper_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._keeper_roles = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    return bool(role_names(user) & {str(role) for role in roles})


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMIN))


HIRING_TEAM = (Role.HIRING_MANAGER, Role.RECRUITER, Role.DIRECTOR)


def in_hiring_team_role(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Hiring managers, recruiters, directors and admins: the people who run loops and pick interviewers."""
    return is_admin(user) or has_role(user, *HIRING_TEAM)
