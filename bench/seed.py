"""Seed the benchmark database through Keeper's own services and write what the load
generator needs (ids, tokens, versions) as JSON.

    python bench/seed.py OUT.json --drafts 200 --submits 3000"""

import argparse
import json
import time

import django_setup  # noqa: F401
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from keeper.services import user_upsert
from loops.models import Candidate
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


def full_content(scorecard, n: int) -> ScorecardContent:
    """A complete draft: every value in focus with evidence, criteria, one red flag, the overall calls."""
    values = list(scorecard.assignment.values_in_focus.all())
    criteria = [c for q in scorecard.assignment.questions.all() for c in q.criteria.all()]
    concern = scorecard.loop.rubric.failure_modes.filter(severity="concern").first()
    return ScorecardContent(
        value_ratings=[
            ValueRatingIn(v.slug, 1 + (n + i) % 4, f"Evidence {n}: described the {v.slug} trade-off in detail. " * 3)
            for i, v in enumerate(values)
        ],
        criterion_ratings=[CriterionRatingIn(c.pk, 1 + (n + c.pk) % 4, "Notes on the answer.") for c in criteria],
        red_flags=[RedFlagIn(concern.pk, "Generic answer on motivation.")],
        recommendation=["no", "yes", "strong_yes", "yes"][n % 4],
        keeper="yes" if n % 3 else "no",
        summary="Summary of the interview. " * 10,
    )


class Seeder:
    def __init__(self):
        self.rubric = rubric_default()
        self.manager, _, _ = user_upsert(username="bench-hm", roles=["hiring_manager"], password="bench-pass-1")
        self.director, _, _ = user_upsert(
            username="bench-dir", roles=["director", "interviewer"], password="bench-pass-1"
        )
        self.people = []
        self.loops = 0

    def person(self, i: int):
        while len(self.people) <= i:
            n = len(self.people)
            user, _, _ = user_upsert(username=f"bench-i{n}", roles=["interviewer"], password="bench-pass-1")
            self.people.append(user)
        return self.people[i]

    def new_loop(self):
        self.loops += 1
        candidate = Candidate.objects.create(
            name=f"Bench Candidate {self.loops}", email=f"bench{self.loops}@example.com", level="senior"
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


def main() -> None:
    # Bench users sign in with tokens; key stretching for their throwaway passwords is not what we measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument("--submits", type=int, default=3000)
    args = parser.parse_args()
    started = time.perf_counter()
    seeder = Seeder()
    loop = seeder.loop_with_twelve_scorecards()
    drafts = seeder.drafts(args.drafts, "behavioral", complete=True)
    submits = seeder.drafts(args.submits, "coding", complete=True)
    example = drafts[0]
    data = {
        "loop": loop.pk,
        "manager_token": token(seeder.manager),
        "drafts": [{"id": c.pk, "token": token(c.interviewer), "version": c.version} for c in drafts],
        "submits": [{"id": c.pk, "token": token(c.interviewer)} for c in submits],
        "draft_body": draft_body(example),
        "seconds": round(time.perf_counter() - started, 1),
    }
    with open(args.out, "w") as out:
        json.dump(data, out)
    print(f"seeded {len(drafts)} drafts, {len(submits)} submittable drafts, loop {loop.pk} in {data['seconds']} s")


if __name__ == "__main__":
    main()
