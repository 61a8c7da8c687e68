"""Scorecards in the Django admin: submitted ones only (drafts belong to their author,
Product §4), read-only, with every revision shown. Corrections are amendments."""

from django.contrib import admin

from scorecards.models import Exposure, Scorecard, ScorecardRevision


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(ReadOnlyMixin, admin.StackedInline):
    model = ScorecardRevision
    extra = 0
    fields = [
        "number",
        "kind",
        "author",
        "created_at",
        "reason",
        "is_after_exposure",
        "recommendation",
        "keeper",
        "summary",
        "ratings",
    ]
    readonly_fields = fields
    ordering = ["number"]

    @admin.display(description="ratings")
    def ratings(self, obj):
        lines = [
            f"{r.value.name}: {r.rating if r.rating is not None else 'not assessed'} - {r.evidence}"
            for r in obj.value_ratings.select_related("value")
        ]
        lines += [f"Red flag: {f.failure_mode.text} - {f.note}" for f in obj.red_flags.select_related("failure_mode")]
        return "\n".join(lines)


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "interviewer", "loop", "round", "status", "submitted_at", "version"]
    list_filter = ["status", "round__rubric_round__slug"]
    search_fields = ["interviewer__username", "loop__candidate__name"]
    list_select_related = ["interviewer", "loop__candidate", "loop__rubric", "round__rubric_round"]
    fields = ["interviewer", "loop", "round", "status", "version", "submitted_at", "current_revision"]
    readonly_fields = fields
    inlines = [RevisionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Scorecard.Status.SUBMITTED)


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "loop", "kind", "scorecard", "at"]
    list_filter = ["kind"]
    search_fields = ["user__username"]
    list_select_related = ["user", "loop__candidate", "loop__rubric"]
