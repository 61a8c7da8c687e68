"""Pages show times in the reader's own zone (Product §3)."""

from django.utils import timezone

from accounts.selectors import user_time_zone


class TimeZoneMiddleware:
    """For a signed-in person's pages, times render and forms read in their time zone. The API
    keeps the server's TIME_ZONE: its times carry their offset (Product §7.1) and a client shows
    them in whatever zone it likes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") or not request.user.is_authenticated:
            return self.get_response(request)
        with timezone.override(user_time_zone(request.user)):
            return self.get_response(request)
