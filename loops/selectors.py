"""Who may see which loops and candidates, and the reads that carry rules (Product §3, §7)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import Exists, Prefetch, Q, QuerySet

from accounts.roles import Role, has_role, in_hiring_team_role, is_admin
from loops.coverage import PlannedRead, coverage_compute
from loops.models import Assignment, Candidate, Loop, Round, TimelineEvent
from rubric.selectors import rubric_structure

User = AbstractBaseUser | AnonymousUser


def _sees_every_loop(user: User) -> Q:
    """Directors and admins, decided inside the query (no separate look-up of the user's roles)."""
    return Q(Exists(Group.objects.filter(user=user.pk, name__in=[Role.DIRECTOR, Role.ADMIN])))


def loops_visible_to(user: User) -> QuerySet[Loop]:
    """Admins and directors see every loop; hiring managers and recruiters the loops they
    run; interviewers the loops they are assigned to. Everyone else sees none."""
    if not user.is_authenticated:
        return Loop.objects.none()
    if user.is_superuser:
        return Loop.objects.all()
    assigned = Assignment.objects.filter(interviewer=user).values("round__loop")
    return Loop.objects.filter(_sees_every_loop(user) | Q(hiring_manager=user) | Q(recruiter=user) | Q(pk__in=assigned))


def loops_led_by(user: User) -> QuerySet[Loop]:
    """Loops whose whole record the user reads: their hiring manager, recruiter, directors, admins."""
    if not user.is_authenticated:
        return Loop.objects.none()
    if user.is_superuser:
        return Loop.objects.all()
    return Loop.objects.filter(_sees_every_loop(user) | Q(hiring_manager=user) | Q(recruiter=user))


def is_hiring_team(user: User, loop: Loop) -> bool:
    """The loop's hiring manager, its recruiter, any director, any admin: the per-object form
    of ``loops_led_by``."""
    if not user.is_authenticated:
        return False
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
    return in_hiring_team_role(user)


def may_open_loops(user: User) -> bool:
    return is_admin(user) or has_role(user, Role.HIRING_MANAGER, Role.RECRUITER)


def loop_detail_queryset(queryset: QuerySet[Loop]) -> QuerySet[Loop]:
    """Everything the loop detail shows but the assignments' questions and values, which
    ``assignment_plans_attach`` adds: a fixed number of queries for any number of rows."""
    return queryset.select_related("candidate", "rubric").prefetch_related(
        Prefetch(
            "rounds",
            queryset=Round.objects.select_related("rubric_round").prefetch_related(
                Prefetch(
                    "assignments",
                    # "scorecard" is the reverse one-to-one the scorecards app adds; named, not imported.
                    queryset=Assignment.objects.select_related("scorecard", "interviewer"),
                )
            ),
        ),
        Prefetch("timeline", queryset=TimelineEvent.objects.select_related("actor")),
    )


def assignment_plans_attach(loop: Loop) -> Loop:
    """Give every assignment of a loaded loop its ``question_numbers`` and ``value_slugs``, read
    with two queries joined through the loop (no list of ids, however many assignments)."""
    questions: dict[int, list[int]] = {}
    for assignment_id, number in Assignment.questions.through.objects.filter(assignment__round__loop=loop).values_list(
        "assignment_id", "question__number"
    ):
        questions.setdefault(assignment_id, []).append(number)
    values: dict[int, list[tuple[int, str]]] = {}
    for assignment_id, order, slug in Assignment.values_in_focus.through.objects.filter(
        assignment__round__loop=loop
    ).values_list("assignment_id", "rubricvalue__order", "rubricvalue__slug"):
        values.setdefault(assignment_id, []).append((order, slug))
    for round_ in loop.rounds.all():
        for assignment in round_.assignments.all():
            assignment.question_numbers = sorted(questions.get(assignment.pk, []))
            assignment.value_slugs = [slug for _, slug in sorted(values.get(assignment.pk, []))]
    return loop


def loop_detail_get(queryset: QuerySet[Loop], pk: int) -> Loop | None:
    """One loop with everything its detail shows, or None if ``queryset`` does not hold it."""
    loop = loop_detail_queryset(queryset).filter(pk=pk).first()
    return assignment_plans_attach(loop) if loop is not None else None


def loop_coverage(loop: Loop) -> dict:
    """The loop's coverage (Product §3), from a loop loaded by ``loop_detail_get``."""
    structure = rubric_structure(loop.rubric)
    plan = [
        PlannedRead(
            round_id=r.pk,
            interviewer_id=a.interviewer_id,
            value_slugs=tuple(a.value_slugs),
            question_numbers=tuple(a.question_numbers),
        )
        for r in loop.rounds.all()
        if r.status != Round.Status.SKIPPED
        for a in r.assignments.all()
    ]
    return coverage_compute(structure, plan)


def rounds_visible_to(user: User) -> QuerySet[Round]:
    return Round.objects.filter(loop__in=loops_visible_to(user))


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """An interviewer's own assignments and every assignment of the loops they help run."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(Q(interviewer=user) | Q(round__loop__in=loops_led_by(user)))


# The loop's own fields a hot read loads with keeper.lean (the loop detail, the summary): what
# its answer, its pace and the access rules read; any other field loads when first read.
LOOP_OWN_FIELDS = [
    "id",
    "candidate",
    "rubric",
    "hiring_manager",
    "recruiter",
    "status",
    "started_on",
    "at_risk_from",
    "due_by",
    "current_round",
    "closed_on",
]
