"""The rubric in the Django admin: one page per version with every part inline
(questions with their criteria nested). Frozen versions are read-only here too."""

import nested_admin
from django.contrib import admin, messages
from django.db.models import Count

from keeper.errors import DomainError
from rubric.models import Criterion, FailureMode, Level, Question, Rubric, RubricRound, RubricValue
from rubric.services import rubric_delete_draft, rubric_new_draft, rubric_publish, rubric_retire


class DraftOnlyMixin:
    """Edits and deletions only while the owning rubric version is a draft (Product §2)."""

    def _is_draft(self, obj) -> bool:
        if obj is None:
            return True
        if isinstance(obj, Criterion):
            obj = obj.question
        rubric = obj if isinstance(obj, Rubric) else obj.rubric
        return rubric.status == Rubric.Status.DRAFT

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._is_draft(obj)


class DraftOnlyInlineMixin(DraftOnlyMixin):
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._is_draft(obj)


class CriterionInline(DraftOnlyInlineMixin, nested_admin.NestedTabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "text"]


class QuestionInline(DraftOnlyInlineMixin, nested_admin.NestedStackedInline):
    model = Question
    extra = 0
    fields = ["number", "kind", "round", "prompt", "why", "guidance", "values"]
    filter_horizontal = ["values"]
    inlines = [CriterionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _limit_to_rubric(super().formfield_for_foreignkey(db_field, request, **kwargs), request, db_field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _limit_to_rubric(super().formfield_for_manytomany(db_field, request, **kwargs), request, db_field)


class ValueInline(DraftOnlyInlineMixin, nested_admin.NestedStackedInline):
    model = RubricValue
    extra = 0
    fields = ["order", "slug", "name", "definition", ("anchor_1", "anchor_2"), ("anchor_3", "anchor_4")]


class RoundInline(DraftOnlyInlineMixin, nested_admin.NestedStackedInline):
    model = RubricRound
    extra = 0
    fk_name = "rubric"
    fields = [
        ("order", "slug", "name", "kind"),
        ("duration_minutes", "block", "block_min_days", "block_max_days"),
        "purpose",
        "values_in_focus",
        ("ratings_due_hours", "evidence_due_hours", "is_decision_round"),
    ]
    filter_horizontal = ["values_in_focus"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _limit_to_rubric(super().formfield_for_foreignkey(db_field, request, **kwargs), request, db_field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _limit_to_rubric(super().formfield_for_manytomany(db_field, request, **kwargs), request, db_field)


class FailureModeInline(DraftOnlyInlineMixin, nested_admin.NestedTabularInline):
    model = FailureMode
    extra = 0
    fields = ["order", "slug", "text", "severity"]


class LevelInline(DraftOnlyInlineMixin, nested_admin.NestedTabularInline):
    model = Level
    extra = 0
    fields = ["order", "slug", "title", "comp_min", "comp_max", "comp_label", "hireable"]


def _limit_to_rubric(field, request, db_field):
    """Choices inside one version's page come from that version only."""
    if field is None:
        return field
    rubric_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if rubric_id and db_field.related_model in (RubricValue, RubricRound):
        field.queryset = field.queryset.filter(rubric_id=rubric_id)
    return field


@admin.register(Rubric)
class RubricAdmin(DraftOnlyMixin, nested_admin.NestedModelAdmin):
    list_display = ["name", "version", "status", "value_count", "question_count", "published_at"]
    list_filter = ["status", "slug"]
    search_fields = ["name", "slug", "description"]
    readonly_fields = ["status", "created_at", "published_at", "retired_at", "based_on"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "version", "description", "status", "based_on"]}),
        ("Loop", {"fields": [("window_min_weeks", "window_max_weeks"), "reads_per_value"]}),
        (
            "Keeper bar",
            {
                "fields": [
                    ("bar_strong_mean", "bar_meets_mean", "bar_min_keeper_yes_share"),
                    ("bar_strong_no_blocks", "bar_blocking_flag_blocks", "bar_evidence_required_for_every_value"),
                    ("disagreement_points", "bar_calibrated"),
                ]
            },
        ),
        ("History", {"fields": ["created_at", "published_at", "retired_at"]}),
    ]
    inlines = [ValueInline, RoundInline, QuestionInline, FailureModeInline, LevelInline]
    actions = ["new_draft_version", "publish", "retire"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(value_total=Count("values", distinct=True), question_total=Count("questions", distinct=True))
        )

    @admin.display(description="values", ordering="value_total")
    def value_count(self, obj):
        return obj.value_total

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "slug", "version"] if obj is not None else fields

    def delete_model(self, request, obj):
        rubric_delete_draft(rubric=obj)

    def delete_queryset(self, request, queryset):
        # The bulk action would bypass the frozen guard; delete drafts one by one instead.
        for rubric in queryset:
            try:
                rubric_delete_draft(rubric=rubric)
            except DomainError as error:
                self.message_user(request, f"{rubric}: {error.message}", messages.ERROR)

    def _run(self, request, queryset, service, verb: str) -> None:
        for rubric in queryset:
            try:
                result = service(rubric=rubric)
            except DomainError as error:
                self.message_user(request, f"{rubric}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{verb}: {result}", messages.SUCCESS)

    @admin.action(description="New draft version (copy)")
    def new_draft_version(self, request, queryset):
        self._run(request, queryset, rubric_new_draft, "Created")

    @admin.action(description="Publish (freeze and make default for new loops)")
    def publish(self, request, queryset):
        self._run(request, queryset, rubric_publish, "Published")

    @admin.action(description="Retire")
    def retire(self, request, queryset):
        self._run(request, queryset, rubric_retire, "Retired")
