"""The loop pages: the board, opening a loop, the loop page, and a loop's and its rounds'
moves. Every page reads through the same visibility querysets as the API and writes through
the same services. What the loop page shows of scorecards (who said what, the link to the
summary) the scorecards app serves, and the page loads it with htmx
(``scorecards.pages.loop_scorecards_page``): loops never imports scorecards."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from rest_framework import serializers as drf

from accounts.roles import Role, in_hiring_team_role
from accounts.selectors import user_for_calendar_token
from keeper.errors import DomainError, Incomplete, Invalid
from loops import invitations
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


def attempt(request, action, success: str) -> bool:
    """Run a page's change; on success flash ``success``, on a refusal flash every problem.
    True if the change was made."""
    try:
        action()
    except (DomainError, drf.ValidationError) as error:
        _flash_error(request, error)
        return False
    messages.success(request, success)
    return True


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

        if attempt(request, open_loop, "Loop opened."):
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


def loop_for_page(request, pk: int) -> Loop:
    """The loop with everything its page shows, if the user sees it; 404 otherwise."""
    loop = loop_detail_get(loops_visible_to(request.user).select_related("hiring_manager", "recruiter"), pk)
    if loop is None:
        raise Http404
    return loop


@login_required
@require_safe
def loop_page(request, pk: int):
    loop = loop_for_page(request, pk)
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
            "pace": loop.pace(today),
            "weeks": loop.weeks_elapsed(today),
            "timeline": list(loop.timeline.all()) if team else [],
            "team": team,
            "can_manage": can_manage(request.user, loop) and loop.is_open,
            "can_coordinate": can_coordinate(request.user, loop) and loop.is_open,
            "assignable": candidates_to_assign,
            "questions": structure.questions,
            "viewer_id": request.user.pk,
        },
    )


def round_for_page(request, loop_pk: int, round_pk: int) -> Round:
    """The loop's round, if the user sees the loop; 404 otherwise, and for a round of another loop."""
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
    round_ = round_for_page(request, pk, round_pk)
    if not can_coordinate(request.user, round_.loop):
        return HttpResponseForbidden("Only the loop's hiring manager or recruiter schedules rounds.")
    post = request.POST
    if post.get("status"):
        body = {"status": post["status"]}
    else:
        body = {"scheduled_start": post.get("scheduled_start", ""), "override_reason": post.get("override_reason", "")}
        if post.get("scheduled_end"):
            body["scheduled_end"] = post["scheduled_end"]
        for field in ("location", "video_url"):  # the form sends both; empty clears
            if field in post:
                body[field] = post[field]
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
                location=data.get("location"),
                video_url=data.get("video_url"),
                by=request.user,
            )

    attempt(request, change, f"{round_.rubric_round.name} updated.")
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{round_.pk}")


@login_required
@require_POST
def round_outcome_page(request, pk: int, round_pk: int):
    round_ = round_for_page(request, pk, round_pk)
    if not can_manage(request.user, round_.loop):
        return HttpResponseForbidden("Only the loop's hiring manager records outcomes.")
    form = OutcomeInput(data={"outcome": request.POST.get("outcome", "")})

    def record():
        form.is_valid(raise_exception=True)
        loop_services.round_outcome_record(round=round_, outcome=form.validated_data["outcome"], by=request.user)

    attempt(request, record, f"{round_.rubric_round.name}: outcome recorded.")
    return redirect(reverse("loop-page", args=[pk]) + f"#round-{round_.pk}")


LOOP_MOVES = {"hold": Loop.Status.ON_HOLD, "resume": Loop.Status.ACTIVE, "withdraw": Loop.Status.WITHDRAWN}


@login_required
@require_POST
def loop_move_page(request, pk: int, move: str):
    loop = loop_for_page(request, pk)
    if move not in LOOP_MOVES:
        raise Http404
    if not can_coordinate(request.user, loop):
        return HttpResponseForbidden("Only the loop's hiring manager or recruiter changes its status.")
    form = LoopMoveInput(data={"reason": request.POST.get("reason", "")})

    def change():
        form.is_valid(raise_exception=True)
        loop_services.loop_move(loop=loop, to=LOOP_MOVES[move], by=request.user, reason=form.validated_data["reason"])

    attempt(request, change, f"Loop is now {Loop.Status(LOOP_MOVES[move]).label.lower()}.")
    return redirect("loop-page", pk=pk)


# A person's calendar -------------------------------------------------------------------------


@never_cache
@require_safe
def calendar_feed(request, token: str):
    """A person's private calendar feed (Product §3): their interviews as iCalendar, for a calendar
    app to subscribe to. No session: the secret in the address is the credential, and an unknown
    or revoked one answers 404 like any missing page."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        invitations.calendar_feed_text(user, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="keeper-interviews.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
