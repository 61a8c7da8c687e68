"""A person's own page (Product §3): the time zone their pages, emails and invitations use, and
their private calendar feed, which they can turn off or replace."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Profile
from accounts.selectors import time_zone_choices, user_time_zone
from accounts.services import calendar_feed_create, calendar_feed_revoke, profile_time_zone_set
from keeper.errors import Invalid

# The new feed address, kept in the server-side session from the POST that made it to the page
# that shows it, once: only its hash is stored.
NEW_FEED_TOKEN = "calendar_feed_new_token"


def calendar_feed_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("calendar-feed", args=[token])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_page(request):
    if request.method == "POST":
        try:
            profile_time_zone_set(user=request.user, time_zone=request.POST.get("time_zone", ""))
        except Invalid as error:
            messages.error(request, "Not saved. " + " ".join(m for ms in error.errors.values() for m in ms))
        else:
            messages.success(request, "Time zone saved. Pages, emails and invitations now show times in it.")
        return redirect("profile")
    profile = Profile.objects.filter(user=request.user).first()
    new_token = request.session.pop(NEW_FEED_TOKEN, None) if request.method == "GET" else None
    zone = user_time_zone(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "nav": "profile",
            "zone": zone.key,
            "zones": time_zone_choices(),
            "now": timezone.localtime(timezone.now(), zone),
            "default_zone": settings.TIME_ZONE,
            "feed_on": profile is not None and profile.has_calendar_feed,
            "feed_since": profile.calendar_token_created_at if profile else None,
            "new_feed_url": calendar_feed_url(new_token) if new_token else None,
        },
    )


@login_required
@require_POST
def calendar_feed_new_page(request):
    """A new feed address; the one before, if any, stops working."""
    request.session[NEW_FEED_TOKEN] = calendar_feed_create(user=request.user)
    messages.success(request, "Your calendar feed has a new address. Any address before it no longer works.")
    return redirect(reverse("profile") + "#calendar")


@login_required
@require_POST
def calendar_feed_revoke_page(request):
    calendar_feed_revoke(user=request.user)
    request.session.pop(NEW_FEED_TOKEN, None)
    messages.success(request, "Your calendar feed is off; its address answers nothing now.")
    return redirect(reverse("profile") + "#calendar")
