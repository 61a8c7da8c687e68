from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Time zones can be corrected here; a calendar feed can only be turned off (its secret is
    kept hashed and shown to its owner alone)."""

    list_display = ["user", "time_zone", "has_calendar_feed", "calendar_token_created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "time_zone"]
    readonly_fields = ["user", "calendar_token_created_at"]
    actions = ["turn_feeds_off"]

    @admin.display(boolean=True, description="Calendar feed")
    def has_calendar_feed(self, profile: Profile) -> bool:
        return profile.has_calendar_feed

    @admin.action(description="Turn their calendar feeds off")
    def turn_feeds_off(self, request, queryset):
        from accounts.services import calendar_feed_revoke

        for profile in queryset.select_related("user"):
            calendar_feed_revoke(user=profile.user)

    def has_add_permission(self, request) -> bool:
        return False
