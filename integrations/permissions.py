from rest_framework.permissions import BasePermission

from accounts.roles import is_admin


class IsAdmin(BasePermission):
    """Webhooks are managed by admins (Product §8.3): anyone else gets 403, whatever the id. A
    method the route does not serve is left to DRF, which answers 405 (and OPTIONS its
    description), as on every other route."""

    message = "Only admins manage webhooks."

    def has_permission(self, request, view) -> bool:
        method = request.method.lower()
        served = method in view.http_method_names and method != "options" and hasattr(view, method)
        return not served or is_admin(request.user)
