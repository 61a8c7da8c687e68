"""Candidates and loops in the Django admin. The timeline is read-only: it is the
record of what happened, and changes go through the services (the API and pages)."""

from django.contrib import admin

from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEvent
    fields = ["at", "actor", "kind", "detail"]
    readonly_fields = fields
    ordering = ["at", "pk"]


class RoundInline(ReadOnlyInline):
    model = Round
    fk_name = "loop"
    fields = ["order", "rubric_round", "status", "outcome", "scheduled_start", "scheduled_end"]
    readonly_fields = fields


class LoopInline(ReadOnlyInline):
    model = Loop
    fields = ["rubric", "status", "hiring_manager", "started_on", "due_by"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "level", "created_at"]
    list_filter = ["level"]
    search_fields = ["name", "email"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [LoopInline]


@admin.register(Loop)
class LoopAdmin(admin.ModelAdmin):
    """Read-only: loop state moves only through the services, which write the timeline."""

    list_display = ["candidate", "rubric", "status", "hiring_manager", "started_on", "due_by", "current_round"]
    list_filter = ["status", "rubric"]
    search_fields = ["candidate__name", "candidate__email", "hiring_manager__username"]
    list_select_related = ["candidate", "rubric", "hiring_manager", "current_round__rubric_round"]
    inlines = [RoundInline, TimelineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["interviewer", "round", "created_at"]
    search_fields = ["interviewer__username", "round__loop__candidate__name"]
    list_select_related = ["interviewer", "round__rubric_round", "round__loop__candidate"]
    list_filter = ["round__rubric_round__slug"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
