"""What a person sets for themselves (Product §3): their time zone and their calendar feed."""

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """One per user, made the first time they change a setting; a user without one has the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="An IANA zone (Europe/Paris); blank means the site's TIME_ZONE."
    )
    # The calendar feed's secret is shown once and kept only as its SHA-256: the database alone
    # does not open anyone's feed. It is not the API token and opens nothing else.
    calendar_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    calendar_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def has_calendar_feed(self) -> bool:
        return self.calendar_token_hash is not None
