"""The scorecard pages: my interviews, a scorecard and its amendment, what the loop page
shows of scorecards, the assignments that open and remove drafts, and the Keeper Test
summary with the decision. Every page reads through the same visibility querysets as the
API and writes through the same services; the loop pages themselves are in loops/pages.py."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import Role, has_role, in_hiring_team_role
from keeper.errors import Invalid
from loops.models import Loop
from loops.pages import attempt, loop_for_page, round_for_page
from loops.selectors import can_manage, loops_visible_to
from scorecards import services
from scorecards.calibration_hook import summary_for
from scorecards.forms import content_from_post
from scorecards.kit import scorecard_kit
from scorecards.models import KeeperDecision, Scorecard
from scorecards.selectors import loops_with_summary_for, scorecards_visible_to
from scorecards.serializers import DecisionInput, ScorecardContentInput
from scorecards.summary_store import keeper_summary_get

User = get_user_model()


@login_required
@require_safe
def home(request):
    if in_hiring_team_role(request.user):
        return redirect("loop-board")
    return redirect("my-interviews")


# Interviewers ----------------------------------------------------------------------------


@login_required
@require_safe
def my_interviews(request):
    now = timezone.now()
    cards = list(
        Scorecard.objects.filter(interviewer=request.user)
        .select_related("round__rubric_round", "loop__candidate", "current_revision")
        .order_by(F("round__scheduled_start").asc(nulls_last=True), "pk")
    )
    rows = []
    for card in cards:
        due_at, overdue = card.deadline(now)
        rows.append({"card": card, "due_at": due_at, "overdue": overdue})
    return render(
        request,
        "scorecards/my_interviews.html",
        {
            "nav": "interviews",
            "upcoming": [
                r
                for r in rows
                if not r["card"].is_submitted
                and r["card"].round.scheduled_start
                and r["card"].round.scheduled_start > now
            ],
            "open": [
                r
                for r in rows
                if not r["card"].is_submitted
                and not (r["card"].round.scheduled_start and r["card"].round.scheduled_start > now)
            ],
            "submitted": [r for r in rows if r["card"].is_submitted],
        },
    )


def _scorecard_for_page(request, pk: int) -> Scorecard:
    scorecard = (
        scorecards_visible_to(request.user)
        .with_ratings()
        .select_related("loop__candidate", "loop__rubric")
        .filter(pk=pk)
        .first()
    )
    if scorecard is None:
        raise Http404
    return scorecard


def _form_state(scorecard: Scorecard) -> dict:
    """The current revision as the form's initial values."""
    revision = scorecard.current_revision
    return {
        "ratings": {
            r.value.slug: {
                "rating": "" if r.pending else ("na" if r.rating is None else str(r.rating)),
                "evidence": r.evidence,
            }
            for r in revision.value_ratings.all()
        },
        "criteria": {
            r.criterion_id: {"rating": str(r.rating or ""), "notes": r.notes} for r in revision.criterion_ratings.all()
        },
        "flags": {f.failure_mode_id: f.note for f in revision.red_flags.all()},
        "recommendation": revision.recommendation,
        "keeper": revision.keeper,
        "summary": revision.summary,
    }


@login_required
@require_safe
def scorecard_page(request, pk: int):
    scorecard = _scorecard_for_page(request, pk)
    services.exposure_record(user=request.user, scorecards=[scorecard])
    is_author = scorecard.interviewer_id == request.user.pk
    kit = scorecard_kit(scorecard)
    state = _form_state(scorecard)
    for value in kit["values"]:
        value["state"] = state["ratings"].get(value["slug"], {"rating": "", "evidence": ""})
        value["scale"] = [(str(p), kit["scale"][str(p)], value["anchors"][str(p)]) for p in (1, 2, 3, 4)]
    for question in kit["questions"]:
        for criterion in question["criteria"]:
            criterion["state"] = state["criteria"].get(criterion["id"], {"rating": "", "notes": ""})
    for flag in kit["failure_modes"]:
        flag["checked"] = flag["id"] in state["flags"]
        flag["note"] = state["flags"].get(flag["id"], "")
    due_at, overdue = scorecard.deadline(timezone.now())
    return render(
        request,
        "scorecards/scorecard.html",
        {
            "nav": "interviews",
            "scorecard": scorecard,
            "due_at": due_at,
            "overdue": overdue,
            "kit": kit,
            "state": state,
            "editable": is_author and not scorecard.is_submitted,
            "can_amend": scorecard.is_submitted and services.can_amend(request.user, scorecard),
            "recommendations": [("strong_no", "Strong no"), ("no", "No"), ("yes", "Yes"), ("strong_yes", "Strong yes")],
            "revisions": scorecard.revisions.order_by("number") if scorecard.is_submitted else [],
        },
    )


@login_required
@require_POST
def scorecard_amend_page(request, pk: int):
    scorecard = _scorecard_for_page(request, pk)
    if not services.can_amend(request.user, scorecard):
        return HttpResponseForbidden("Only the author or an admin amends a scorecard.")
    kit = scorecard_kit(scorecard)
    raw = content_from_post(
        request.POST,
        values=[v["slug"] for v in kit["values"]],
        criteria=[c["id"] for q in kit["questions"] for c in q["criteria"]],
        failure_modes=[f["id"] for f in kit["failure_modes"]],
    )
    form = ScorecardContentInput(data=raw)

    def amend():
        form.is_valid(raise_exception=True)
        services.scorecard_amend(
            scorecard=scorecard,
            by=request.user,
            reason=request.POST.get("reason", ""),
            content=services.ScorecardContent.from_input(dict(form.validated_data)),
        )

    attempt(request, amend, "Amendment saved. The earlier version stays in the history.")
    return redirect("scorecard-page", pk=scorecard.pk)


# On the loop page --------------------------------------------------------------------------


@login_required
@require_safe
def loop_scorecards_page(request, pk: int):
    """The loop page's "Who said what": the submitted scorecards of the loop the reader may read
    (reading them is an exposure, Product §4), and the link to the summary if they may read it.
    The loop page loads it with htmx; without JavaScript its link opens it as a page."""
    loop = loops_visible_to(request.user).select_related("candidate").filter(pk=pk).first()
    if loop is None:
        raise Http404
    cards = list(
        scorecards_visible_to(request.user)
        .submitted()
        .filter(loop=loop)
        .select_related("current_revision", "interviewer", "round__rubric_round")
    )
    services.exposure_record(user=request.user, scorecards=cards)
    context = {
        "nav": "loops",
        "loop": loop,
        "cards": cards,
        "summary_visible": loops_with_summary_for(request.user).filter(pk=loop.pk).exists(),
    }
    fragment = bool(request.headers.get("HX-Request"))
    template = "scorecards/_loop_scorecards.html" if fragment else "scorecards/loop_scorecards.html"
    return render(request, template, context)


@login_required
@require_POST
def assignment_add_page(request, pk: int, round_pk: int):
    round_ = round_for_page(request, pk, round_pk)
    if not can_manage(request.user, round_.loop):
        return HttpResponseForbidden("Only the loop's hiring manager assigns interviewers.")

    def add():
        raw = request.POST.get("interviewer", "")
        interviewer = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
        if interviewer is None:
            raise Invalid("Choose an interviewer.", errors={"interviewer": ["Choose an interviewer."]})
        questions = [int(q) for q in request.POST.getlist("questions") if q.isdigit()]
        services.interviewer_assign(round=round_, interviewer=interviewer, questions=questions or None, by=request.user)

    attempt(request, add, "Interviewer assigned; their draft scorecard is open.")
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{round_.pk}")


@login_required
@require_POST
def assignment_remove_page(request, pk: int, assignment_pk: int):
    loop = loop_for_page(request, pk)
    assignment = next((a for r in loop.rounds.all() for a in r.assignments.all() if a.pk == assignment_pk), None)
    if assignment is None:
        raise Http404
    if not can_manage(request.user, loop):
        return HttpResponseForbidden("Only the loop's hiring manager removes interviewers.")
    attempt(
        request, lambda: services.interviewer_unassign(assignment=assignment, by=request.user), "Interviewer removed."
    )
    return redirect("loop-page", pk=pk)


@login_required
@require_POST
def assignment_questions_page(request, pk: int, assignment_pk: int):
    loop = loop_for_page(request, pk)
    assignment = next((a for r in loop.rounds.all() for a in r.assignments.all() if a.pk == assignment_pk), None)
    if assignment is None:
        raise Http404
    if not can_manage(request.user, loop):
        return HttpResponseForbidden("Only the loop's hiring manager changes assignments.")
    numbers = [int(q) for q in request.POST.getlist("questions") if q.isdigit()]
    attempt(
        request,
        lambda: services.assignment_plan_change(assignment=assignment, questions=numbers, by=request.user),
        "Questions changed.",
    )
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{assignment.round_id}")


# The Keeper Test summary -------------------------------------------------------------------

CHART = {"width": 640, "row": 34, "label": 150, "max": 4}


def _chart(values: list[dict]) -> dict:
    """Bars of each value's mean on the 1-4 scale, drawn server-side as SVG."""
    span = CHART["width"] - CHART["label"] - 110  # room after the longest bar for "4.0 · strong"
    bars = []
    for i, row in enumerate(values):
        mean = row["mean"]
        bars.append(
            {
                "y": 10 + i * CHART["row"],
                "name": row["name"],
                "status": row["status"],
                "mean": mean,
                "width": 0 if mean is None else round(span * mean / CHART["max"], 1),
                "text_x": CHART["label"] + (0 if mean is None else span * mean / CHART["max"]) + 6,
            }
        )
    ticks = [{"x": CHART["label"] + span * p / CHART["max"], "label": p} for p in (1, 2, 3, 4)]
    return {"bars": bars, "ticks": ticks, "height": 20 + len(values) * CHART["row"], **CHART}


@login_required
@require_safe
def summary_page(request, pk: int):
    loop = loops_with_summary_for(request.user).select_related("candidate", "rubric").filter(pk=pk).first()
    if loop is None:
        raise Http404
    services.summary_exposure_record(user=request.user, loop_id=loop.pk)
    summary = keeper_summary_get(loop, today=timezone.localdate())
    summary_for(summary, rubric_id=loop.rubric_id, reader=request.user)  # Product §8.1: calibration's readers
    unmet = [c for c in summary["verdict"]["checks"] if not c["met"]]
    return render(
        request,
        "scorecards/summary.html",
        {
            "nav": "loops",
            "loop": loop,
            "summary": summary,
            "chart": _chart(summary["values"]),
            "unmet": unmet,
            "can_decide": has_role(request.user, Role.DIRECTOR)
            and loop.status == Loop.Status.ACTIVE
            and summary["decision"] is None,
        },
    )


@login_required
@require_POST
def decision_page(request, pk: int):
    loop = loops_with_summary_for(request.user).filter(pk=pk).first()  # decided on the summary (Product §5)
    if loop is None:
        raise Http404
    if not has_role(request.user, Role.DIRECTOR):
        return HttpResponseForbidden("Only a director records the Keeper Test decision.")
    answers = {
        key.removeprefix("answer-"): value
        for key, value in request.POST.items()
        if key.startswith("answer-") and value.strip()
    }
    form = DecisionInput(
        data={
            "decision": request.POST.get("decision", ""),
            "rationale": request.POST.get("rationale", ""),
            "answers": answers,
        }
    )

    def decide():
        form.is_valid(raise_exception=True)
        services.keeper_decision_record(loop=loop, by=request.user, **form.validated_data)

    label = dict(KeeperDecision.Decision.choices).get(request.POST.get("decision", ""), "")
    attempt(request, decide, f"Decision recorded: {label}.")
    return redirect("summary-page", pk=pk)
