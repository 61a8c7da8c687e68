"""Calibration in the Django admin (Product §8.1): each rubric version's G-study figure beside
the rubric's own reads per value, read-only, with an action that recomputes on demand. It
lives here, not in the rubric's admin: the rubric app never imports calibration."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from calibration.models import Calibration
from calibration.services import calibration_recompute


@admin.register(Calibration)
class CalibrationAdmin(admin.ModelAdmin):
    list_display = [
        "rubric_link",
        "reads_per_value",
        "reads_for_g80_shown",
        "g_at_reads_per_value",
        "alpha",
        "scorecards",
        "computed_at",
    ]
    list_select_related = ["rubric"]
    list_filter = ["rubric__status"]
    search_fields = ["rubric__name", "rubric__slug"]
    fields = ["rubric", "computed_at", "reads_per_value", "reads_for_g80_shown", "g_at_reads_per_value", "variance"]
    readonly_fields = fields
    actions = ["recompute"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="rubric version", ordering="rubric__slug")
    def rubric_link(self, obj):
        url = reverse("admin:rubric_rubric_change", args=[obj.rubric_id])
        return format_html('<a href="{}">{}</a>', url, obj.rubric)

    @admin.display(description="reads per value (rubric)")
    def reads_per_value(self, obj):
        return obj.rubric.reads_per_value

    @admin.display(description="reads per value for G ≥ 0.80 (G-study)")
    def reads_for_g80_shown(self, obj):
        return obj.reads_for_g80 if obj.reads_for_g80 is not None else "—"

    @admin.display(description="G at the rubric's reads")
    def g_at_reads_per_value(self, obj):
        return (obj.data.get("g_study") or {}).get("g_at_reads_per_value")

    @admin.display(description="alpha (ordinal)")
    def alpha(self, obj):
        return (obj.data.get("reliability") or {}).get("alpha")

    @admin.display(description="submitted scorecards")
    def scorecards(self, obj):
        return obj.data.get("scorecards", 0)

    @admin.display(description="variance components")
    def variance(self, obj):
        return (obj.data.get("g_study") or {}).get("variance")

    @admin.action(description="Recompute the selected calibrations now")
    def recompute(self, request, queryset):
        for calibration in queryset:
            calibration_recompute(rubric_id=calibration.rubric_id)
        messages.success(request, f"Recomputed {queryset.count()} calibration(s).")
