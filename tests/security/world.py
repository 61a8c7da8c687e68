"""One world for the access tests, built once for the package: four loops in which every role
stands in a known relation to the objects, and a unique canary string in every piece of
free text, so a response that carries text its caller may not read is caught by a substring.

    loop A (hana runs it, rick recruits)  every interviewer's own card still open, bob's submitted
    loop B (hana runs it, rick recruits)  every interviewer's own card submitted, carol's a draft
    loop D (hana runs it, rick recruits)  only dan interviews: hana and rick lead without a card
    loop C (hank runs it)                 no part for anyone in the cast but directors and admins

The cast of tests/conftest.py plays the roles: alice interviews, hana is a hiring manager
who also interviews, dora a director who also interviews, rick a recruiter who also
interviews, ada an admin (who may not be assigned), eve an interviewer in no loop."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.services import calendar_feed_create, calendar_feed_revoke
from calibration.services import calibration_recompute
from integrations.models import WebhookAttempt, WebhookDelivery
from integrations.services import webhook_endpoint_create
from loops.models import Loop
from loops.services import loop_move, loop_open, round_schedule
from rubric.models import Rubric
from rubric.services import rubric_load_file, rubric_new_draft
from scorecards.models import Scorecard
from scorecards.services import (
    ScorecardContent,
    interviewer_assign,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from tests.conftest import NETFLIX_RUBRIC, at, round_of
from tests.factories import CandidateFactory, UserFactory

# The roles of the matrix, each played by one member of the cast (None: not signed in).
ROLES = {
    "interviewer": "alice",
    "hiring_manager": "hana",
    "director": "dora",
    "recruiter": "rick",
    "admin": "ada",
    "outsider": "eve",
    "anonymous": None,
}
# Who interviews on loops A and B, and on which round; ada cannot be assigned (not an interviewer role).
PANEL = {
    "alice": "coding",
    "carol": "coding",
    "bob": "system-design",
    "dora": "system-design",
    "hana": "hiring-manager-screen",
    "rick": "recruiter-screen",
}
LEADS = {"hana", "rick", "dora", "ada"}  # the hiring team of loops A, B and D: they read every note and timeline


CANARY_PATTERN = re.compile(r"canary_[a-z0-9_]+?_x")


def canary(key: str) -> str:
    """A string found nowhere else: the key is closed by ``_x`` so no canary contains another."""
    return f"canary_{key}_x"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    loops: dict = field(default_factory=dict)
    cards: dict = field(default_factory=dict)  # (username, loop letter) -> Scorecard
    rubric: Rubric | None = None
    draft_rubric: Rubric | None = None
    spare_candidate: object = None  # in no loop, for probes that open one
    missing_id: int = 2_000_000_000
    feed_tokens: dict = field(default_factory=dict)  # username -> the secret of their calendar feed
    revoked_feed_token: str = ""  # a feed secret made and then turned off
    webhook: object = None  # ada's webhook endpoint, with a delivery logged
    readers: dict = field(default_factory=dict)  # canary -> usernames who may read it

    def user(self, role: str):
        username = ROLES[role]
        return None if username is None else self.users[username]

    def card(self, who: str, letter: str) -> Scorecard:
        return self.cards[(who, letter)]

    def forbidden_canaries(self, role: str) -> list[str]:
        return self.forbidden_canaries_of(ROLES[role])

    def forbidden_canaries_of(self, username: str | None) -> list[str]:
        return [text for text, readers in self.readers.items() if username not in readers]


def _content(card: Scorecard, key: str) -> dict:
    """A complete scorecard body whose every free text starts with the card's canary."""
    text = canary(key)
    return {
        "value_ratings": [
            {"value": v.slug, "rating": 3, "evidence": f"{text} evidence for {v.slug}"}
            for v in card.assignment.values_in_focus.all()
        ],
        "recommendation": "yes",
        "keeper": "yes",
        "summary": f"{text} summary",
    }


def _fill(card: Scorecard, key: str, *, submit: bool) -> Scorecard:
    card.refresh_from_db()
    scorecard_save_draft(
        scorecard=card,
        author=card.interviewer,
        version=card.version,
        content=ScorecardContent.from_input(_content(card, key)),
    )
    if submit:
        scorecard_submit(scorecard=card, by=card.interviewer)
    card.refresh_from_db()
    return card


def build_world() -> World:
    world = World()
    users = world.users
    for username, roles, extra in [
        ("alice", ["interviewer"], {}),
        ("bob", ["interviewer"], {}),
        ("carol", ["interviewer"], {}),
        ("dan", ["interviewer"], {}),
        ("zed", ["interviewer"], {}),
        ("eve", ["interviewer"], {}),
        ("hana", ["hiring_manager", "interviewer"], {}),
        ("hank", ["hiring_manager"], {}),
        ("dora", ["director", "interviewer"], {}),
        ("rick", ["recruiter"], {}),
        ("ada", ["admin"], {"is_staff": True, "is_superuser": True}),
    ]:
        users[username] = UserFactory(username=username, roles=roles, first_name=username.title(), **extra)
    world.rubric = rubric_load_file(path=NETFLIX_RUBRIC, publish=True).rubric
    world.draft_rubric = rubric_new_draft(rubric=world.rubric)
    Rubric.objects.filter(pk=world.draft_rubric.pk).update(name=canary("rubric_draft"))
    world.readers[canary("rubric_draft")] = {"ada"}

    hana, rick, hank = users["hana"], users["rick"], users["hank"]
    started = timezone.localdate() - timedelta(weeks=3)
    for letter, manager, recruiter in [("a", hana, rick), ("b", hana, rick), ("d", hana, rick), ("c", hank, None)]:
        candidate = CandidateFactory(
            name=canary(f"candidate_{letter}"), email=f"{canary(f'candidate_{letter}')}@example.com", created_by=manager
        )
        world.loops[letter] = loop_open(
            candidate=candidate, hiring_manager=manager, recruiter=recruiter, started_on=started, by=manager
        )

    world.spare_candidate = CandidateFactory(name="Sam Spare", created_by=hana)

    def put(who: str, letter: str, slug: str) -> Scorecard:
        loop = world.loops[letter]
        assignment = interviewer_assign(
            round=round_of(loop, slug),
            interviewer=users[who],
            by=loop.hiring_manager,
            notes=canary(f"notes_{who}_{letter}"),
        )
        card = world.cards[(who, letter)] = assignment.scorecard
        return card

    for letter in ("a", "b"):
        for who, slug in PANEL.items():
            put(who, letter, slug)
    put("dan", "d", "coding")
    put("zed", "c", "coding")

    # Loop A: every cast member's own card open (filled, complete, not submitted); bob's submitted.
    for who in PANEL:
        _fill(world.card(who, "a"), f"card_{who}_a", submit=who == "bob")
    # Loop B: every card submitted but carol's; bob's amended once after exposure to nothing.
    for who in PANEL:
        _fill(world.card(who, "b"), f"card_{who}_b", submit=who != "carol")
    scorecard_amend(
        scorecard=world.card("bob", "b"),
        by=users["bob"],
        reason=f"{canary('card_bob_b')} reason",
        content=ScorecardContent.from_input({"summary": f"{canary('card_bob_b')} amended summary"}),
    )
    _fill(world.card("dan", "d"), "card_dan_d", submit=True)
    _fill(world.card("zed", "c"), "card_zed_c", submit=True)
    for card in world.cards.values():
        card.refresh_from_db()

    # The first step of every loop took place, so its outcome can be recorded; a hold and a
    # resume with a reason put free text on every loop's timeline.
    for letter, loop in world.loops.items():
        round_schedule(round=round_of(loop, "recruiter-screen"), start=at(10), end=None, by=loop.hiring_manager)
        loop_move(loop=loop, to=Loop.Status.ON_HOLD, by=loop.hiring_manager, reason=canary(f"timeline_{letter}"))
        loop_move(loop=loop, to=Loop.Status.ACTIVE, by=loop.hiring_manager, reason="back on")
        loop.refresh_from_db()

    # Ada's webhook endpoint (a public address literal: nothing is resolved, and nothing is sent,
    # as the world's transaction never commits), subscribed to every event, so every probe that
    # changes a loop or seals a card writes the outbox; one delivery logged with a canary answer.
    world.webhook = webhook_endpoint_create(
        url=f"https://93.184.215.14/{canary('webhook')}",
        events=["scorecard.submitted", "loop.status_changed", "loop.decided"],
        by=users["ada"],
    )
    webhook_endpoint_create(
        url=f"https://93.184.215.14/{canary('webhook_spare')}", events=["loop.decided"], by=users["ada"], active=False
    )
    loop_move(loop=world.loops["d"], to=Loop.Status.ON_HOLD, by=hana)
    loop_move(loop=world.loops["d"], to=Loop.Status.ACTIVE, by=hana)
    world.loops["d"].refresh_from_db()
    delivery = WebhookDelivery.objects.filter(endpoint=world.webhook).first()
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=1,
        at=timezone.now(),
        ended_at=timezone.now(),
        outcome="failed",
        status_code=500,
        duration_ms=12,
        response_excerpt=canary("webhook_answer"),
        error="The receiver answered 500.",
    )
    world.readers[canary("webhook")] = {"ada"}
    world.readers[canary("webhook_spare")] = {"ada"}
    world.readers[canary("webhook_answer")] = {"ada"}

    # Everyone in the cast has a calendar feed; carol's was turned off.
    for username, user in users.items():
        world.feed_tokens[username] = calendar_feed_create(user=user)
    world.revoked_feed_token = world.feed_tokens.pop("carol")
    calendar_feed_revoke(user=users["carol"])

    _who_may_read(world)
    # Calibration reads every submitted card across the loops; its report names no card's text.
    calibration_recompute(rubric_id=world.rubric.pk)
    return world


def _who_may_read(world: World) -> None:
    """Product §4 written out by hand: the readers of every canary, independently of the app's code."""
    readers = world.readers
    submitted_b = {who for who in PANEL if who != "carol"}
    for who in PANEL:
        readers[canary(f"card_{who}_a")] = {who}  # a draft, or a card in a loop where everyone else still waits
        readers[canary(f"card_{who}_b")] = {who} if who == "carol" else submitted_b | {"ada"}
    readers[canary("card_bob_a")] = {"bob", "ada"}  # ada has no card to wait for; everyone else in A does
    readers[canary("card_dan_d")] = {"dan", *LEADS}
    readers[canary("card_zed_c")] = {"zed", "hank", "dora", "ada"}
    for letter in ("a", "b"):
        for who in PANEL:
            readers[canary(f"notes_{who}_{letter}")] = {who, *LEADS}  # briefing notes: the interviewer and the team
        readers[canary(f"timeline_{letter}")] = set(LEADS)
        readers[canary(f"candidate_{letter}")] = {*PANEL, *LEADS}
    readers[canary("notes_dan_d")] = {"dan", *LEADS}
    readers[canary("timeline_d")] = set(LEADS)
    readers[canary("candidate_d")] = {"dan", *LEADS}
    readers[canary("notes_zed_c")] = {"zed", "hank", "dora", "ada"}
    readers[canary("timeline_c")] = {"hank", "dora", "ada"}
    # Recruiters, directors and admins see every candidate (loops.selectors.candidates_visible_to).
    readers[canary("candidate_c")] = {"zed", "hank", "dora", "ada", "rick"}


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one request in a savepoint that is always undone, so no probe changes the world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
