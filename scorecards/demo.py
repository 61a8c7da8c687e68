"""The demo data `make run` loads: one user per role and a candidate mid-loop,
built through the same services the API uses."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.services import user_upsert
from loops.models import Candidate, Loop
from loops.services import loop_open, round_outcome_record, round_schedule
from rubric.selectors import rubric_default
from scorecards.models import Scorecard
from scorecards.services import (
    ScorecardContent,
    ValueRatingIn,
    interviewer_assign,
    scorecard_save_draft,
    scorecard_submit,
)

# Demo-only credentials for a local server; `make run` prints them.
DEMO_USERS = [
    ("ada", "Ada Byron", ["admin"]),
    ("hana", "Hana Sato", ["hiring_manager", "interviewer"]),
    ("dora", "Dora Mills", ["director", "interviewer"]),
    ("rick", "Rick Odum", ["recruiter", "interviewer"]),
    ("alice", "Alice Ng", ["interviewer"]),
    ("bob", "Bob Ruiz", ["interviewer"]),
]
DEMO_EMAIL = "jordan.rivera@example.com"


DEMO_SCREEN_NOTES = {
    "recruiter-screen": (
        [
            ("curiosity", 3, "Asked sharp questions about how encoding teams split ownership."),
            ("passion", 4, "Has followed the per-title encoding work for years; spoke about it unprompted."),
            ("communication", 3, "Clear and concise; answered the level question directly."),
        ],
        "yes",
        "Senior-level scope in the last two roles; motivated by the streaming problems specifically.",
    ),
    "hiring-manager-screen": (
        [
            ("judgment", 3, "Walked through the queue migration and named the two options rejected and why."),
            ("courage", 3, "Pushed back on a VP's launch date with load-test data; shipped a week later."),
            ("innovation", 4, "Replaced a three-service pipeline with one idempotent consumer; cut cost by half."),
            ("communication", 3, "Structured the architecture walk-through well; a little long on detail."),
        ],
        "strong_yes",
        "Clear end-to-end ownership of a real system, with measurable outcomes. Strong technical depth.",
    ),
}


def demo_password(username: str) -> str:
    return f"keeper-demo-{username}"


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@transaction.atomic
def demo_seed() -> tuple[dict[str, str], Loop, bool]:
    """Create the demo users and loop if missing. Returns (passwords, loop, created)."""
    users = {}
    for username, name, roles in DEMO_USERS:
        user, _, _ = user_upsert(
            username=username,
            roles=roles,
            password=demo_password(username),
            email=f"{username}@example.com",
            name=name,
        )
        users[username] = user
    passwords = {username: demo_password(username) for username, _, _ in DEMO_USERS}

    existing = Loop.objects.filter(candidate__email=DEMO_EMAIL).first()
    if existing:
        return passwords, existing, False

    hana = users["hana"]
    today = timezone.localdate()
    candidate = Candidate.objects.create(
        name="Jordan Rivera", email=DEMO_EMAIL, level="senior", created_by=users["rick"]
    )
    loop = loop_open(
        candidate=candidate,
        hiring_manager=hana,
        recruiter=users["rick"],
        rubric=rubric_default(),
        started_on=today - timedelta(weeks=4),
        by=users["rick"],
    )
    rounds = {r.rubric_round.slug: r for r in loop.rounds.select_related("rubric_round")}
    plan = {
        "recruiter-screen": ["rick"],
        "hiring-manager-screen": ["hana"],
        "coding": ["alice"],
        "system-design": ["bob"],
        "behavioral": ["alice", "bob"],
        "director-final": ["dora"],
    }
    for slug, people in plan.items():
        for username in people:
            interviewer_assign(round=rounds[slug], interviewer=users[username], by=hana)

    screens = [
        ("recruiter-screen", 25, 15, "rick", DEMO_SCREEN_NOTES["recruiter-screen"]),
        ("hiring-manager-screen", 14, 11, "hana", DEMO_SCREEN_NOTES["hiring-manager-screen"]),
    ]
    for slug, days_ago, hour, username, (ratings, recommendation, summary) in screens:
        round_schedule(round=rounds[slug], start=_at(today - timedelta(days=days_ago), hour), end=None, by=hana)
        scorecard = Scorecard.objects.get(round=rounds[slug], interviewer=users[username])
        scorecard_save_draft(
            scorecard=scorecard,
            author=users[username],
            version=scorecard.version,
            content=ScorecardContent(
                value_ratings=[ValueRatingIn(value, rating, evidence) for value, rating, evidence in ratings],
                recommendation=recommendation,
                keeper="yes",
                summary=summary,
            ),
        )
        scorecard_submit(scorecard=scorecard, by=users[username])
        round_outcome_record(round=rounds[slug], outcome="advance", by=hana)

    first, second = today + timedelta(days=2), today + timedelta(days=3)
    round_schedule(round=rounds["onsite"], start=_at(first, 9), end=_at(second, 17), by=hana)
    round_schedule(round=rounds["coding"], start=_at(first, 10), end=None, by=hana)
    round_schedule(round=rounds["system-design"], start=_at(first, 13), end=None, by=hana)
    round_schedule(round=rounds["behavioral"], start=_at(second, 10), end=None, by=hana)
    round_schedule(round=rounds["director-final"], start=_at(second, 14), end=None, by=hana)
    return passwords, loop, True
