"""Reads of users that carry rules."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Prefetch, QuerySet

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
