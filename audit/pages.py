"""The loop's history as a page, and as the fragment the loop page loads into its History
section when it scrolls into view (so the loop page itself costs no more queries)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.history import loop_history, may_read_history
from loops.selectors import loops_visible_to

PAGE_SIZE = 100
FRAGMENT_SIZE = 20  # the loop page shows the latest changes and links to the rest


@login_required
@require_safe
def loop_history_page(request, pk: int):
    loop = loops_visible_to(request.user).select_related("rubric", "candidate").filter(pk=pk).first()
    if loop is None:
        raise Http404
    if not may_read_history(request.user, loop):
        return HttpResponseForbidden("The history is for the loop's hiring team.")
    fragment = bool(request.headers.get("HX-Request"))
    entries = loop_history(loop=loop, viewer=request.user)
    page = Paginator(entries, FRAGMENT_SIZE if fragment else PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/_loop_history.html" if fragment else "audit/loop_history.html"
    return render(request, template, {"nav": "loops", "loop": loop, "page": page, "fragment": fragment})
