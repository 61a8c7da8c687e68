from rest_framework.permissions import BasePermission

from accounts.roles import is_admin


class IsAdmin(BasePermission):
    """Webhooks are managed by admins (Product §8.3): anyone else gets 403, whatever the id."""

    message = "Only admins manage webhooks."

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)
