"""Server-rendered pages for people (the API serves integrations). Every page reads through
the same visibility querysets as the API and writes through the same services."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from rest_framework import serializers as drf

from accounts.roles import Role, has_role, in_hiring_team_role
from keeper.errors import DomainError, Incomplete, Invalid
from loops import services as loop_services
from loops.models import Loop, Round
from loops.selectors import (
    can_coordinate,
    can_manage,
    is_hiring_team,
    loop_coverage,
    loop_detail_get,
    loops_visible_to,
    may_open_loops,
)
from loops.serializers import CandidateInput, LoopMoveInput, OutcomeInput, RoundInput
from rubric.selectors import rubric_default, rubric_structure
from scorecards import services
from scorecards.forms import content_from_post
from scorecards.kit import scorecard_kit
from scorecards.models import KeeperDecision, Scorecard
from scorecards.selectors import loops_with_summary_for, scorecards_visible_to
from scorecards.serializers import DecisionInput, ScorecardContentInput
from scorecards.summary_store import keeper_summary_get

User = get_user_model()


def hiring_team_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not in_hiring_team_role(request.user):
            return HttpResponseForbidden("This page is for the hiring team.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _flash_error(request, error: Exception) -> None:
    """A refused change, every problem named, as a message on the next page."""
    if isinstance(error, drf.ValidationError):
        detail = error.detail
        lines = [f"{k}: {' '.join(map(str, v))}" for k, v in detail.items()] if isinstance(detail, dict) else detail
        messages.error(request, "Not saved. " + " ".join(map(str, lines)))
    elif isinstance(error, Invalid):
        lines = [f"{m}" for ms in error.errors.values() for m in ms]
        messages.error(request, "Not saved. " + " ".join(lines))
    elif isinstance(error, Incomplete):
        messages.error(request, "Not saved. " + " ".join(p["message"] for p in error.problems))
    elif isinstance(error, DomainError):
        gaps = error.extra.get("gaps")
        messages.error(request, error.message + (" " + " ".join(gaps) if gaps else ""))


def _attempt(request, action, success: str) -> bool:
    try:
        action()
    except (DomainError, drf.ValidationError) as error:
        _flash_error(request, error)
        return False
    messages.success(request, success)
    return True


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

    _attempt(request, amend, "Amendment saved. The earlier version stays in the history.")
    return redirect("scorecard-page", pk=scorecard.pk)


# The hiring team ---------------------------------------------------------------------------

BOARD_SORTS = {
    "candidate": ("candidate__name",),
    "-candidate": ("-candidate__name",),
    "started": ("started_on",),
    "-started": ("-started_on",),
    "due": ("due_by",),
    "-due": ("-due_by",),
    "overdue": ("-overdue_scorecards", "due_by"),
}


@hiring_team_only
@require_safe
def loop_board(request):
    today, now = timezone.localdate(), timezone.now()
    loops = loops_visible_to(request.user).select_related("candidate", "current_round__rubric_round", "rubric")
    status, pace = request.GET.get("status", ""), request.GET.get("pace", "")
    if status in Loop.Status.values:
        loops = loops.filter(status=status)
    if pace in Loop.Pace.values:
        loops = loops.with_pace(pace, today)
    overdue = Q(scorecards__status="draft") & (
        Q(scorecards__ratings_completed_at__isnull=True, scorecards__round__ratings_due_at__lt=now)
        | Q(scorecards__round__evidence_due_at__lt=now)
    )
    loops = loops.annotate(overdue_scorecards=Count("scorecards", filter=overdue, distinct=True))
    sort = request.GET.get("sort", "-started")
    loops = loops.order_by(*BOARD_SORTS.get(sort, BOARD_SORTS["-started"]), "-pk")
    rows = [{"loop": loop, "pace": loop.pace(today), "weeks": loop.weeks_elapsed(today)} for loop in loops[:500]]
    context = {
        "nav": "loops",
        "rows": rows,
        "status": status,
        "pace": pace,
        "sort": sort,
        "statuses": Loop.Status.choices,
        "paces": Loop.Pace.choices,
        "can_open": may_open_loops(request.user),
    }
    template = "loops/_loop_rows.html" if request.headers.get("HX-Request") else "loops/loop_board.html"
    return render(request, template, context)


@hiring_team_only
@require_http_methods(["GET", "HEAD", "POST"])
def loop_new(request):
    if not may_open_loops(request.user):
        return HttpResponseForbidden("Hiring managers and recruiters open loops.")
    rubric = rubric_default()
    managers = User.objects.filter(groups__name=Role.HIRING_MANAGER, is_active=True).order_by("username")
    recruiters = User.objects.filter(groups__name=Role.RECRUITER, is_active=True).order_by("username")
    if request.method == "POST":
        post = request.POST

        def open_loop():
            fields = CandidateInput(data={k: post.get(k, "") for k in ("name", "email", "level")})
            fields.is_valid(raise_exception=True)
            with transaction.atomic():
                candidate = loop_services.candidate_create(**fields.validated_data, by=request.user)
                manager_id, recruiter_id = post.get("hiring_manager", ""), post.get("recruiter", "")
                manager = managers.filter(pk=int(manager_id)).first() if manager_id.isdigit() else None
                recruiter = recruiters.filter(pk=int(recruiter_id)).first() if recruiter_id.isdigit() else None
                if manager is None:
                    raise Invalid("Choose a hiring manager.", errors={"hiring_manager": ["Choose a hiring manager."]})
                started = drf.DateField().to_internal_value(post["started_on"]) if post.get("started_on") else None
                open_loop.loop = loop_services.loop_open(
                    candidate=candidate,
                    hiring_manager=manager,
                    recruiter=recruiter,
                    started_on=started,
                    by=request.user,
                )

        if _attempt(request, open_loop, "Loop opened."):
            return redirect("loop-page", pk=open_loop.loop.pk)
    return render(
        request,
        "loops/loop_new.html",
        {
            "nav": "loops",
            "levels": rubric.levels.filter(hireable=True).order_by("order"),
            "managers": managers,
            "recruiters": recruiters,
            "post": request.POST,
            "today": timezone.localdate(),
        },
    )


def _loop_for_page(request, pk: int) -> Loop:
    loop = loop_detail_get(loops_visible_to(request.user).select_related("hiring_manager", "recruiter"), pk)
    if loop is None:
        raise Http404
    return loop


@login_required
@require_safe
def loop_page(request, pk: int):
    loop = _loop_for_page(request, pk)
    team = is_hiring_team(request.user, loop)
    today = timezone.localdate()
    structure = rubric_structure(loop.rubric)
    coverage = loop_coverage(loop)
    rounds = list(loop.rounds.all())
    interview_rounds = [r for r in rounds if not r.rubric_round.is_block]
    # The coverage already counts readers per round and value (loops.coverage); the page lays it out.
    readers = {row["round"]: row["values"] for row in coverage["matrix"]}
    matrix = [
        {
            "value": value,
            "cells": [
                None if r.status == Round.Status.SKIPPED else len(readers.get(r.pk, {}).get(value.slug, []))
                for r in interview_rounds
            ],
            **coverage["values"][value.slug],
        }
        for value in structure.values
    ]
    cards = list(
        scorecards_visible_to(request.user)
        .submitted()
        .filter(loop=loop)
        .select_related("current_revision", "interviewer", "round__rubric_round")
    )
    services.exposure_record(user=request.user, scorecards=cards)
    candidates_to_assign = (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.INTERVIEWER, Role.DIRECTOR, Role.HIRING_MANAGER, Role.RECRUITER]
        )
        .distinct()
        .order_by("username")
        if can_manage(request.user, loop)
        else []
    )
    return render(
        request,
        "loops/loop.html",
        {
            "nav": "loops",
            "loop": loop,
            "rounds": rounds,
            "interview_rounds": interview_rounds,
            "matrix": matrix,
            "coverage": coverage,
            "cards": cards,
            "pace": loop.pace(today),
            "weeks": loop.weeks_elapsed(today),
            "timeline": list(loop.timeline.all()) if team else [],
            "team": team,
            "can_manage": can_manage(request.user, loop) and loop.is_open,
            "can_coordinate": can_coordinate(request.user, loop) and loop.is_open,
            "assignable": candidates_to_assign,
            "questions": structure.questions,
            "viewer_id": request.user.pk,
            "summary_visible": loops_with_summary_for(request.user).filter(pk=loop.pk).exists(),
        },
    )


def _round_of(request, loop_pk: int, round_pk: int) -> Round:
    round_ = (
        Round.objects.filter(pk=round_pk, loop__in=loops_visible_to(request.user), loop_id=loop_pk)
        .select_related("loop", "rubric_round")
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


@login_required
@require_POST
def round_schedule_page(request, pk: int, round_pk: int):
    round_ = _round_of(request, pk, round_pk)
    if not can_coordinate(request.user, round_.loop):
        return HttpResponseForbidden("Only the loop's hiring manager or recruiter schedules rounds.")
    post = request.POST
    if post.get("status"):
        body = {"status": post["status"]}
    else:
        body = {"scheduled_start": post.get("scheduled_start", ""), "override_reason": post.get("override_reason", "")}
        if post.get("scheduled_end"):
            body["scheduled_end"] = post["scheduled_end"]
    form = RoundInput(data=body)

    def change():
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "status" in data:
            loop_services.round_set_status(round=round_, status=data["status"], by=request.user)
        else:
            loop_services.round_schedule(
                round=round_,
                start=data["scheduled_start"],
                end=data.get("scheduled_end"),
                override_reason=data["override_reason"],
                by=request.user,
            )

    _attempt(request, change, f"{round_.rubric_round.name} updated.")
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{round_.pk}")


@login_required
@require_POST
def round_outcome_page(request, pk: int, round_pk: int):
    round_ = _round_of(request, pk, round_pk)
    if not can_manage(request.user, round_.loop):
        return HttpResponseForbidden("Only the loop's hiring manager records outcomes.")
    form = OutcomeInput(data={"outcome": request.POST.get("outcome", "")})

    def record():
        form.is_valid(raise_exception=True)
        loop_services.round_outcome_record(round=round_, outcome=form.validated_data["outcome"], by=request.user)

    _attempt(request, record, f"{round_.rubric_round.name}: outcome recorded.")
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{round_.pk}")


@login_required
@require_POST
def assignment_add_page(request, pk: int, round_pk: int):
    round_ = _round_of(request, pk, round_pk)
    if not can_manage(request.user, round_.loop):
        return HttpResponseForbidden("Only the loop's hiring manager assigns interviewers.")

    def add():
        raw = request.POST.get("interviewer", "")
        interviewer = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
        if interviewer is None:
            raise Invalid("Choose an interviewer.", errors={"interviewer": ["Choose an interviewer."]})
        questions = [int(q) for q in request.POST.getlist("questions") if q.isdigit()]
        services.interviewer_assign(round=round_, interviewer=interviewer, questions=questions or None, by=request.user)

    _attempt(request, add, "Interviewer assigned; their draft scorecard is open.")
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{round_.pk}")


@login_required
@require_POST
def assignment_remove_page(request, pk: int, assignment_pk: int):
    loop = _loop_for_page(request, pk)
    assignment = next((a for r in loop.rounds.all() for a in r.assignments.all() if a.pk == assignment_pk), None)
    if assignment is None:
        raise Http404
    if not can_manage(request.user, loop):
        return HttpResponseForbidden("Only the loop's hiring manager removes interviewers.")
    _attempt(
        request, lambda: services.interviewer_unassign(assignment=assignment, by=request.user), "Interviewer removed."
    )
    return redirect("loop-page", pk=pk)


@login_required
@require_POST
def assignment_questions_page(request, pk: int, assignment_pk: int):
    loop = _loop_for_page(request, pk)
    assignment = next((a for r in loop.rounds.all() for a in r.assignments.all() if a.pk == assignment_pk), None)
    if assignment is None:
        raise Http404
    if not can_manage(request.user, loop):
        return HttpResponseForbidden("Only the loop's hiring manager changes assignments.")
    numbers = [int(q) for q in request.POST.getlist("questions") if q.isdigit()]
    _attempt(
        request,
        lambda: services.assignment_plan_change(assignment=assignment, questions=numbers, by=request.user),
        "Questions changed.",
    )
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{assignment.round_id}")


LOOP_MOVES = {"hold": Loop.Status.ON_HOLD, "resume": Loop.Status.ACTIVE, "withdraw": Loop.Status.WITHDRAWN}


@login_required
@require_POST
def loop_move_page(request, pk: int, move: str):
    loop = _loop_for_page(request, pk)
    if move not in LOOP_MOVES:
        raise Http404
    if not can_coordinate(request.user, loop):
        return HttpResponseForbidden("Only the loop's hiring manager or recruiter changes its status.")
    form = LoopMoveInput(data={"reason": request.POST.get("reason", "")})

    def change():
        form.is_valid(raise_exception=True)
        loop_services.loop_move(loop=loop, to=LOOP_MOVES[move], by=request.user, reason=form.validated_data["reason"])

    _attempt(request, change, f"Loop is now {Loop.Status(LOOP_MOVES[move]).label.lower()}.")
    return redirect("loop-page", pk=pk)


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
    loop = loops_with_summary_for(request.user).filter(pk=pk).first()  # decided on the summary (§5)
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
    _attempt(request, decide, f"Decision recorded: {label}.")
    return redirect("summary-page", pk=pk)
