"""The per-object access checks (read one row by its key, then decide) must agree with the
visibility querysets they stand in for on the hot paths (issue #9): for every member of the
cast, at every step of a loop's life."""

from django.contrib.auth.models import AnonymousUser

from loops.models import Loop
from loops.selectors import is_hiring_team, loop_detail_queryset, loops_led_by
from loops.services import loop_open
from scorecards.selectors import loops_with_summary_for, own_cards_on, reads_summary, summary_loop_read
from tests.conftest import assign, submit_complete
from tests.factories import CandidateFactory, UserFactory


def _fresh_user(user):
    """A user as a request sees it: no role cache carried over from an earlier step."""
    return user if not user.is_authenticated else type(user).objects.get(pk=user.pk)


def _agree(loop: Loop, people: list) -> list[str]:
    disagreements = []
    for person in people:
        user = _fresh_user(person)
        loaded = loop_detail_queryset(Loop.objects.all()).get(pk=loop.pk)
        name = getattr(user, "username", "") or "anonymous"
        pairs = {
            "is_hiring_team": (is_hiring_team(user, loaded), loops_led_by(user).filter(pk=loop.pk).exists()),
            "reads_summary": (
                reads_summary(user, loaded, own_cards_on(user, loop.pk) if user.is_authenticated else []),
                loops_with_summary_for(user).filter(pk=loop.pk).exists(),
            ),
            # The one-statement read the summary endpoint uses (the loop and the own cards together).
            "reads_summary, lean read": (
                reads_summary(user, *summary_loop_read(user, loop.pk)),
                loops_with_summary_for(user).filter(pk=loop.pk).exists(),
            ),
        }
        disagreements += [f"{name}: {rule} {one} != {many}" for rule, (one, many) in pairs.items() if one != many]
    return disagreements


def test_per_object_checks_agree_with_the_querysets(loop, alice, bob, hana, dora, rick, ada, eve):
    plain_admin = UserFactory(username="root2", roles=["admin"])
    other_manager = UserFactory(username="olga", roles=["hiring_manager", "interviewer"])
    other_loop = loop_open(
        candidate=CandidateFactory(name="Sam Lee", email="sam@example.com", level="senior", created_by=other_manager),
        hiring_manager=other_manager,
        by=other_manager,
    )
    assign(other_loop, "coding", eve, by=other_manager)
    people = [alice, bob, hana, dora, rick, ada, plain_admin, other_manager, eve, AnonymousUser()]

    seen = {}
    seen["fresh"] = _agree(loop, people)
    alices = assign(loop, "coding", alice)
    bobs = assign(loop, "system-design", bob)
    hanas = assign(loop, "behavioral", hana)
    doras = assign(loop, "director-final", dora)
    seen["drafts everywhere"] = _agree(loop, people)
    submit_complete(bobs)
    seen["bob submitted"] = _agree(loop, people)
    submit_complete(alices)
    submit_complete(hanas)
    seen["all but the director"] = _agree(loop, people)
    submit_complete(doras)
    seen["all submitted"] = _agree(loop, people)
    seen["other loop"] = _agree(other_loop, people)

    assert {step: found for step, found in seen.items() if found} == {}


def test_the_checks_are_not_trivially_equal(loop, alice, bob, eve):
    """The comparison above would pass if both sides said the same thing for everyone: they do not."""
    assign(loop, "coding", alice)
    submit_complete(assign(loop, "system-design", bob))
    loaded = loop_detail_queryset(Loop.objects.all()).get(pk=loop.pk)
    assert not is_hiring_team(_fresh_user(alice), loaded) and not is_hiring_team(_fresh_user(eve), loaded)
    assert reads_summary(_fresh_user(bob), loaded, own_cards_on(bob, loop.pk))
    assert not reads_summary(_fresh_user(alice), loaded, own_cards_on(alice, loop.pk))


def test_anonymous_is_on_no_hiring_team_even_without_a_recruiter(loop, hana):
    loop.recruiter = None
    loop.save(update_fields=["recruiter"])
    loaded = loop_detail_queryset(Loop.objects.all()).get(pk=loop.pk)
    assert is_hiring_team(AnonymousUser(), loaded) is False
