"""Seed the benchmark database through Keeper's own services and write what the load
generator needs (ids, tokens, versions) as JSON.

    python bench/seed.py OUT.json --drafts 200 --submits 3000 [--jobs 2]

With ``--jobs N`` the drafts are made by N processes at once, each with interviewers and
candidates of its own, through the same services."""

import argparse
import functools
import json
import time

import django_setup  # noqa: F401
from django.conf import settings
from django.contrib.auth import get_user_model
from parallel import commits_without_waiting, in_processes, shares
from rest_framework.authtoken.models import Token

from accounts.services import user_upsert
from loops.models import Assignment, Candidate
from loops.services import loop_open
from rubric.selectors import rubric_default
from scorecards.services import (
    CriterionRatingIn,
    RedFlagIn,
    ScorecardContent,
    ValueRatingIn,
    interviewer_assign,
    scorecard_save_draft,
    scorecard_submit,
)

User = get_user_model()
INTERVIEW_SLUGS = ["recruiter-screen", "hiring-manager-screen", "coding", "system-design", "behavioral"]


@functools.cache
def _round_plan(rubric_round_id: int) -> tuple[list[str], list[int], int]:
    """What a default assignment on this rubric round rates: its values in focus, its questions'
    criteria and a concern to flag. The same for every draft on the round, so read once."""
    assignment = Assignment.objects.filter(round__rubric_round_id=rubric_round_id).order_by("pk").first()
    values = [v.slug for v in assignment.values_in_focus.all()]
    criteria = [c.pk for q in assignment.questions.all() for c in q.criteria.all()]
    concern = assignment.round.loop.rubric.failure_modes.filter(severity="concern").first()
    return values, criteria, concern.pk


def full_content(scorecard, n: int) -> ScorecardContent:
    """A complete draft: every value in focus with evidence, criteria, one red flag, the overall calls."""
    values, criteria, concern = _round_plan(scorecard.round.rubric_round_id)
    return ScorecardContent(
        value_ratings=[
            ValueRatingIn(slug, 1 + (n + i) % 4, f"Evidence {n}: described the {slug} trade-off in detail. " * 3)
            for i, slug in enumerate(values)
        ],
        criterion_ratings=[CriterionRatingIn(pk, 1 + (n + pk) % 4, "Notes on the answer.") for pk in criteria],
        red_flags=[RedFlagIn(concern, "Generic answer on motivation.")],
        recommendation=["no", "yes", "strong_yes", "yes"][n % 4],
        keeper="yes" if n % 3 else "no",
        summary="Summary of the interview. " * 10,
    )


class Seeder:
    """Seeds through the services. ``part`` keeps the interviewers and candidates of parallel
    seeders apart; the hiring manager and director are shared (made first by ``shared_users``)."""

    def __init__(self, part: int = 0):
        self.rubric = rubric_default()
        self.part = part
        self.manager, self.director = shared_users()
        self.people = []
        self.loops = 0

    def person(self, i: int):
        while len(self.people) <= i:
            n = len(self.people)
            name = f"bench-i{n}" if self.part == 0 else f"bench-p{self.part}-i{n}"
            user, _, _ = user_upsert(username=name, roles=["interviewer"], password="bench-pass-1")
            self.people.append(user)
        return self.people[i]

    def new_loop(self):
        self.loops += 1
        tag = f"{self.loops}" if self.part == 0 else f"{self.part}-{self.loops}"
        candidate = Candidate.objects.create(
            name=f"Bench Candidate {tag}", email=f"bench{tag}@example.com", level="senior"
        )
        return loop_open(candidate=candidate, hiring_manager=self.manager, by=self.manager)

    def drafts(self, count: int, slug: str, complete: bool) -> list:
        """``count`` drafts on round ``slug``, spread over as many loops as needed (one interviewer per draft)."""
        per_loop, made = 60, []
        while len(made) < count:
            loop = self.new_loop()
            round_ = loop.rounds.get(rubric_round__slug=slug)
            for i in range(min(per_loop, count - len(made))):
                card = interviewer_assign(round=round_, interviewer=self.person(i), by=self.manager).scorecard
                if complete:
                    card = scorecard_save_draft(
                        scorecard=card, author=card.interviewer, version=card.version, content=full_content(card, i)
                    )
                made.append(card)
        return made

    def loop_with_twelve_scorecards(self):
        loop = self.new_loop()
        rounds = {r.rubric_round.slug: r for r in loop.rounds.select_related("rubric_round")}
        plan = [(slug, self.person(i)) for slug in INTERVIEW_SLUGS for i in range(2)]
        plan += [("behavioral", self.person(2)), ("director-final", self.director)]
        for n, (slug, person) in enumerate(plan):
            card = interviewer_assign(round=rounds[slug], interviewer=person, by=self.manager).scorecard
            card = scorecard_save_draft(
                scorecard=card, author=person, version=card.version, content=full_content(card, n)
            )
            scorecard_submit(scorecard=card, by=person)
        return loop


def draft_body(example) -> dict:
    """The full draft the save benchmark sends (every value in focus, every criterion, a red flag)."""
    return {
        "value_ratings": [
            {"value": v.slug, "rating": 3, "evidence": "Saved again under load: " + "evidence " * 30}
            for v in example.assignment.values_in_focus.all()
        ],
        "criterion_ratings": [
            {"criterion": c.pk, "rating": 3, "notes": "Notes under load."}
            for q in example.assignment.questions.all()
            for c in q.criteria.all()
        ],
        "red_flags": [
            {"failure_mode": example.loop.rubric.failure_modes.filter(severity="concern").first().pk, "note": "x"}
        ],
        "recommendation": "yes",
        "keeper": "yes",
        "summary": "Autosaved summary. " * 10,
    }


def token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def shared_users():
    """The hiring manager and the director, made once: parallel seeders only read them."""
    found = {u.username: u for u in User.objects.filter(username__in=["bench-hm", "bench-dir"])}
    if len(found) == 2:
        return found["bench-hm"], found["bench-dir"]
    manager, _, _ = user_upsert(username="bench-hm", roles=["hiring_manager"], password="bench-pass-1")
    director, _, _ = user_upsert(username="bench-dir", roles=["director", "interviewer"], password="bench-pass-1")
    return manager, director


def _seed_setup() -> None:
    # Bench users sign in with tokens; key stretching for their throwaway passwords is not what we measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    commits_without_waiting()


def seed_part(part: int, drafts: int, submits: int) -> dict:
    """One seeding process: part 0 also makes the 12-scorecard loop the reads are measured on."""
    _seed_setup()
    seeder = Seeder(part)
    out: dict = {}
    if part == 0:
        out["loop"] = seeder.loop_with_twelve_scorecards().pk
    made = seeder.drafts(drafts, "behavioral", complete=True)
    out["drafts"] = [{"id": c.pk, "token": token(c.interviewer), "version": c.version} for c in made]
    made = seeder.drafts(submits, "coding", complete=True)
    out["submits"] = [{"id": c.pk, "token": token(c.interviewer)} for c in made]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument("--submits", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=1, help="seeding processes")
    args = parser.parse_args()
    started = time.perf_counter()
    _seed_setup()
    manager, _ = shared_users()
    parts = (list(range(args.jobs)), shares(args.drafts, args.jobs), shares(args.submits, args.jobs))
    results = [seed_part(0, args.drafts, args.submits)] if args.jobs == 1 else in_processes(seed_part, *parts)
    from scorecards.models import Scorecard

    example = Scorecard.objects.select_related("assignment", "loop__rubric").get(pk=results[0]["drafts"][0]["id"])
    data = {
        "loop": results[0]["loop"],
        "manager_token": token(manager),
        "drafts": [d for r in results for d in r["drafts"]],
        "submits": [d for r in results for d in r["submits"]],
        "draft_body": draft_body(example),
        "seconds": round(time.perf_counter() - started, 1),
    }
    with open(args.out, "w") as out:
        json.dump(data, out)
    print(
        f"seeded {len(data['drafts'])} drafts, {len(data['submits'])} submittable drafts, loop {data['loop']}"
        f" in {data['seconds']} s ({args.jobs} processes)"
    )


if __name__ == "__main__":
    main()
