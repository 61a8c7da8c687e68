"""Who may see which loops and candidates, and the reads that carry rules (PRODUCT.md §3, §7)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from keeper.roles import Role, has_role, is_admin
from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent

User = AbstractBaseUser | AnonymousUser


def loops_visible_to(user: User) -> QuerySet[Loop]:
    """Admins and directors see every loop; hiring managers and recruiters the loops they
    run; interviewers the loops they are assigned to. Everyone else sees none."""
    if not user.is_authenticated:
        return Loop.objects.none()
    if is_admin(user) or has_role(user, Role.DIRECTOR):
        return Loop.objects.all()
    assigned = Assignment.objects.filter(interviewer=user).values("round__loop")
    return Loop.objects.filter(Q(hiring_manager=user) | Q(recruiter=user) | Q(pk__in=assigned))


def loops_led_by(user: User) -> QuerySet[Loop]:
    """Loops whose whole record the user reads: their hiring manager, recruiter, directors, admins."""
    if not user.is_authenticated:
        return Loop.objects.none()
    if is_admin(user) or has_role(user, Role.DIRECTOR):
        return Loop.objects.all()
    return Loop.objects.filter(Q(hiring_manager=user) | Q(recruiter=user))


def is_hiring_team(user: User, loop: Loop) -> bool:
    """The loop's hiring manager, its recruiter, any director, any admin."""
    return is_admin(user) or has_role(user, Role.DIRECTOR) or user.pk in (loop.hiring_manager_id, loop.recruiter_id)


def can_manage(user: User, loop: Loop) -> bool:
    """Assign interviewers, record outcomes: the loop's hiring manager or an admin."""
    return is_admin(user) or user.pk == loop.hiring_manager_id


def can_coordinate(user: User, loop: Loop) -> bool:
    """Schedule rounds, hold and resume: the hiring manager, the loop's recruiter, an admin."""
    return can_manage(user, loop) or (user.pk == loop.recruiter_id and loop.recruiter_id is not None)


def candidates_visible_to(user: User) -> QuerySet[Candidate]:
    """Recruiters, directors and admins see every candidate; a hiring manager the candidates
    they entered or whose loops they run. Interviewers reach candidates through their loops only."""
    if not user.is_authenticated:
        return Candidate.objects.none()
    if is_admin(user) or has_role(user, Role.RECRUITER, Role.DIRECTOR):
        return Candidate.objects.all()
    if has_role(user, Role.HIRING_MANAGER):
        return Candidate.objects.filter(
            Q(created_by=user) | Q(loops__hiring_manager=user) | Q(loops__recruiter=user)
        ).distinct()
    return Candidate.objects.none()


def may_list_candidates(user: User) -> bool:
    return is_admin(user) or has_role(user, Role.HIRING_MANAGER, Role.RECRUITER, Role.DIRECTOR)


def may_open_loops(user: User) -> bool:
    return is_admin(user) or has_role(user, Role.HIRING_MANAGER, Role.RECRUITER)


def loop_detail_queryset(queryset: QuerySet[Loop]) -> QuerySet[Loop]:
    """Everything the loop detail shows, in a number of queries that does not grow with rounds."""
    return queryset.select_related("candidate", "rubric").prefetch_related(
        Prefetch(
            "rounds",
            queryset=Round.objects.select_related("rubric_round").prefetch_related(
                Prefetch(
                    "assignments",
                    # "scorecard" is the reverse one-to-one the scorecards app adds; named, not imported.
                    queryset=Assignment.objects.select_related("scorecard", "interviewer").prefetch_related(
                        "questions", "values_in_focus"
                    ),
                )
            ),
        ),
        Prefetch("timeline", queryset=TimelineEvent.objects.select_related("actor")),
    )


def rounds_visible_to(user: User) -> QuerySet[Round]:
    return Round.objects.filter(loop__in=loops_visible_to(user))


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """An interviewer's own assignments and every assignment of the loops they help run."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(Q(interviewer=user) | Q(round__loop__in=loops_led_by(user)))
