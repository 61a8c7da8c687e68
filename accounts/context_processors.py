from accounts.roles import Role, has_role, in_hiring_team_role, is_admin


def roles(request):
    """What the navigation needs to know about the signed-in user."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "is_hiring_team": in_hiring_team_role(user),
        "is_director": has_role(user, Role.DIRECTOR),
        "is_keeper_admin": is_admin(user),
    }
