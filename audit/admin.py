"""History and privacy in the Django admin (issue #11): the loop's "History" button shows what
the database recorded (read-only, the same rule as the loop page), candidates can be erased on
request through an action with a confirmation page, and erasure records are listed read-only."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse

from audit.history import loop_history, may_read_history
from audit.models import Erasure
from audit.services import candidate_erase
from keeper.errors import DomainError, Invalid
from loops.admin import CandidateAdmin, LoopAdmin
from loops.models import Candidate, Loop


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["candidate_id", "kind", "via", "by", "at"]
    list_filter = ["kind", "via"]
    search_fields = ["=candidate__id"]
    list_select_related = ["by"]
    fields = ["candidate_id", "kind", "reason", "via", "by", "at", "rows"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Candidate)


@admin.register(Candidate)
class PrivateCandidateAdmin(CandidateAdmin):
    actions = ["erase_selected"]
    list_display = [*CandidateAdmin.list_display, "anonymized_at"]
    readonly_fields = [*CandidateAdmin.readonly_fields, "anonymized_at"]

    @admin.action(description="Erase the selected candidates' personal data…", permissions=["change"])
    def erase_selected(self, request, queryset):
        """Confirm on an intermediate page, then erase each candidate (audit.services)."""
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") == "yes" and reason:
            erased, refused = 0, []
            for candidate in queryset:
                try:
                    erasure = candidate_erase(candidate=candidate, reason=reason, by=request.user, via="admin")
                except Invalid as error:
                    refused.append(f"#{candidate.pk}: " + " ".join(m for ms in error.errors.values() for m in ms))
                    continue
                except DomainError as error:
                    refused.append(f"#{candidate.pk}: {error.message}")
                    continue
                candidate.refresh_from_db()
                self.log_change(request, candidate, f"Erased on request (erasure record #{erasure.pk}).")
                erased += 1
            if erased:
                self.message_user(request, f"{erased} candidate(s) erased.", messages.SUCCESS)
            for line in refused:
                self.message_user(request, f"Not erased {line}", messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/audit/erase_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Erase candidates' personal data",
                "opts": self.model._meta,
                "candidates": queryset,
                "action": "erase_selected",
                "reason": reason,
                "missing_reason": request.POST.get("confirm") == "yes",
            },
        )


admin.site.unregister(Loop)


@admin.register(Loop)
class HistoryLoopAdmin(LoopAdmin):
    """The loop's History button shows the database's record of the loop, read-only."""

    def history_view(self, request, object_id, extra_context=None):
        loop = self.get_object(request, unquote(object_id))
        if loop is None:
            raise Http404
        if not self.has_view_or_change_permission(request, loop) or not may_read_history(request.user, loop):
            raise PermissionDenied
        page = Paginator(loop_history(loop=loop, viewer=request.user), 100).get_page(request.GET.get("page"))
        return TemplateResponse(
            request,
            "admin/audit/loop_history.html",
            {
                **self.admin_site.each_context(request),
                "title": f"History: {loop}",
                "opts": self.model._meta,
                "object": loop,
                "page": page,
                **(extra_context or {}),
            },
        )
