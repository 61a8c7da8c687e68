"""The database the schema fuzzer runs against: the demo loop, and more loops in every state
a write can meet, so that the fuzzer's destructive calls (a withdrawal, a decision, a removed
assignment) close some of them and leave others for the rest of the run."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from calibration.services import calibration_recompute
from loops.models import Candidate
from loops.services import loop_move, loop_open
from rubric.services import rubric_load_file
from scorecards.demo import demo_seed
from scorecards.services import ScorecardContent, interviewer_assign, scorecard_save_draft
from tests.conftest import complete_body, round_of, submit_complete

RUBRIC = Path(__file__).resolve().parent.parent / "rubric" / "data" / "netflix-swe.yaml"
# Whom the fuzzer acts as: one user per role, and nobody.
IDENTITIES = {
    "interviewer": "alice",
    "hiring_manager": "hana",
    "director": "dora",
    "recruiter": "rick",
    "admin": "ada",
    "anonymous": None,
}
EXTRA_LOOPS = 12


@transaction.atomic
def fuzz_seed() -> dict[str, str | None]:
    """Seed and return each identity's API token (None for anonymous)."""
    rubric = rubric_load_file(path=RUBRIC, publish=True).rubric
    demo_seed()
    users = {user.username: user for user in get_user_model().objects.all()}
    hana, rick, alice, bob, dora = (users[name] for name in ("hana", "rick", "alice", "bob", "dora"))
    for number in range(EXTRA_LOOPS):
        candidate = Candidate.objects.create(
            name=f"Fuzz Candidate {number}", email=f"fuzz{number}@example.com", level="senior", created_by=rick
        )
        loop = loop_open(candidate=candidate, hiring_manager=hana, recruiter=rick, by=hana)
        draft = interviewer_assign(round=round_of(loop, "coding"), interviewer=alice, by=hana).scorecard
        submitted = interviewer_assign(round=round_of(loop, "system-design"), interviewer=bob, by=hana).scorecard
        submit_complete(submitted)
        interviewer_assign(round=round_of(loop, "director-final"), interviewer=dora, by=hana)
        if number % 3 == 1:  # a complete draft, for a submit to seal
            body = complete_body(draft)
            version = body.pop("version")
            scorecard_save_draft(
                scorecard=draft, author=alice, version=version, content=ScorecardContent.from_input(body)
            )
        if number % 3 == 2:
            loop_move(loop=loop, to="on_hold", by=hana)
    calibration_recompute(rubric_id=rubric.pk)  # the calibration API answers with a real report
    return {
        identity: Token.objects.get_or_create(user=users[name])[0].key if name else None
        for identity, name in IDENTITIES.items()
    }
