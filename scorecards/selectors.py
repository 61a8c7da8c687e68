"""Who may read which scorecard (PRODUCT.md §4: independent scoring)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from loops.models import Loop
from loops.selectors import is_hiring_team, loops_led_by
from scorecards.models import Exposure, Scorecard

User = AbstractBaseUser | AnonymousUser


def loops_unlocked_for(user: User) -> QuerySet:
    """Loops where the user has submitted every scorecard of their own: only then do they
    read their colleagues' (PRODUCT.md §4, independent scoring)."""
    mine = Scorecard.objects.filter(interviewer=user)
    return mine.submitted().exclude(loop__in=mine.drafts().values("loop")).values("loop")


def loops_read_in_full_by(user: User) -> QuerySet:
    """Loops whose submitted scorecards and summary the user reads as one of its leads: the
    hiring manager, recruiter, directors and admins. Someone who also interviews on the loop
    waits like any interviewer until their own card is in (PRODUCT.md §4), except a director's
    open card on the decision round: the final round is the one the summary informs (§5)."""
    open_own_cards = (
        Scorecard.objects.drafts()
        .filter(interviewer=user)
        .exclude(round__rubric_round__is_decision_round=True)
        .values("loop")
    )
    return loops_led_by(user).exclude(pk__in=open_own_cards)


def scorecards_visible_to(user: User) -> QuerySet[Scorecard]:
    """Drafts to their author alone; submitted ones to the loop's hiring manager, recruiter,
    directors and admins, and to interviewers who have submitted all of their own."""
    if not user.is_authenticated:
        return Scorecard.objects.none()
    return Scorecard.objects.filter(
        Q(interviewer=user)
        | Q(status=Scorecard.Status.SUBMITTED, loop__in=loops_read_in_full_by(user))
        | Q(status=Scorecard.Status.SUBMITTED, loop__in=loops_unlocked_for(user))
    )


def own_cards_on(user: User, loop_id: int) -> list[tuple[str, bool]]:
    """The user's own scorecards on one loop: (status, on the decision round?)."""
    return list(
        Scorecard.objects.filter(loop_id=loop_id, interviewer=user.pk).values_list(
            "status", "round__rubric_round__is_decision_round"
        )
    )


def reads_summary(user: User, loop: Loop, own_cards: list[tuple[str, bool]]) -> bool:
    """The per-object form of ``loops_with_summary_for`` (the same rules, over one loaded loop
    and ``own_cards_on``): reading one loop by its key and deciding here is cheaper than
    building the visibility query on every summary read (issue #9). A test holds the two equal."""
    if not user.is_authenticated:
        return False
    drafts = [decision for status, decision in own_cards if status == Scorecard.Status.DRAFT]
    leads = is_hiring_team(user, loop) and all(drafts)  # only the director's decision-round card may be open
    unlocked = bool(own_cards) and not drafts
    return leads or unlocked


def exposure_first_at(*, user: User, loop_id: int):
    """When the user first read a colleague's scorecard or the summary of this loop, if ever."""
    return Exposure.objects.filter(user=user, loop_id=loop_id).order_by("at").values_list("at", flat=True).first()


def loops_with_summary_for(user: User) -> QuerySet:
    """Loops whose Keeper summary the user reads: the hiring team's, and an interviewer's
    once all their own scorecards there are submitted (PRODUCT.md §5, §7)."""
    if not user.is_authenticated:
        return Loop.objects.none()
    return Loop.objects.filter(Q(pk__in=loops_read_in_full_by(user).values("pk")) | Q(pk__in=loops_unlocked_for(user)))
