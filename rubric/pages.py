from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from rubric.models import Rubric


@login_required
@require_safe
def rubric_page(request):
    """The published rubric, read-only, for everyone signed in."""
    rubric = Rubric.objects.published().with_contents().order_by("slug").first()
    return render(request, "rubric/rubric.html", {"nav": "rubric", "rubric": rubric})
