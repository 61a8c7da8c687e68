"""The calibration pages (Product §8.1): the report of a rubric version for directors and
admins, and each interviewer's own leniency on "My interviews" (nobody else's)."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.http import require_safe

from calibration.payload import calibration_payload
from calibration.plots import leniency_plot, reliability_plot
from calibration.report import ITEM_REST_FLAG_FROM, ITEM_REST_SHOWN_FROM
from calibration.selectors import calibration_readable_by, own_leniency
from keeper.ids import ID_MAX
from rubric.models import Rubric
from rubric.selectors import rubrics_visible_to


def _rubric_for_page(request) -> Rubric | None:
    """``?rubric=ID`` among the versions the reader may see, else the published version most
    recently published (the one new loops use)."""
    visible = rubrics_visible_to(request.user)
    raw = request.GET.get("rubric")
    if raw is None:
        return visible.published().order_by("-published_at", "-pk").first() or visible.order_by("-pk").first()
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= ID_MAX:
        raise ValueError(raw)
    rubric = visible.filter(pk=int(raw)).first()
    if rubric is None:
        raise Http404
    return rubric


@login_required
@require_safe
def calibration_page(request):
    """Leniency (plot and table), reliability (plot), the G-study and question health."""
    if not calibration_readable_by(request.user):
        return HttpResponseForbidden("Calibration is for directors and admins.")
    try:
        rubric = _rubric_for_page(request)
    except ValueError:
        return HttpResponseBadRequest("The rubric must be a rubric version's id.")
    context = {
        "nav": "calibration",
        "rubric": rubric,
        "versions": rubrics_visible_to(request.user).order_by("slug", "-version"),
    }
    if rubric is not None:
        report = calibration_payload(rubric)
        names = {value.slug: value.name for value in rubric.values.all()}
        context.update(
            report=report,
            people=[
                {**row, "values": [{"name": names.get(slug, slug), **e} for slug, e in row["by_value"].items()]}
                for row in sorted(report["interviewers"], key=lambda r: (-r["leniency"]["shrunk"], r["name"]))
            ],
            leniency=leniency_plot(report["interviewers"]),
            reliability=reliability_plot(report["reliability"], names),
            computed_at=datetime.fromisoformat(report["computed_at"]) if report["computed_at"] else None,
            item_rest_shown_from=ITEM_REST_SHOWN_FROM,
            item_rest_flag_from=ITEM_REST_FLAG_FROM,
            flagged=sum(1 for row in report["interviewers"] if row["leniency"]["flagged"]),
        )
    return render(request, "calibration/calibration.html", context)


@login_required
@require_safe
def my_leniency(request):
    """The reader's own leniency, with how to read it: a section of "My interviews"."""
    rows = own_leniency(request.user)
    for row in rows:
        names = {value.slug: value.name for value in row["rubric"].values.all()}
        row["values"] = [{"name": names.get(slug, slug), **e} for slug, e in row["row"]["by_value"].items()]
    return render(request, "calibration/_my_leniency.html", {"rows": rows})
