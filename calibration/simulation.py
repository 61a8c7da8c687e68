"""Synthetic loops with a known truth (Product §8.1, ``manage.py simulate_loops``): pure
functions that plan who rates what and how, from a seed. ``calibration.management.commands.
simulate_loops`` writes the plan through the services; tests also feed it straight to the maths.

The generating model, on the rating scale (points):

    latent = level_c + value_v + leniency_i + leniency_iv + noise,   rating = clip(round(latent), 1, 4)

- ``level_c`` the candidate's true level, N(level_mean, level_sd);
- ``value_v`` how hard the value is to show, N(0, value_sd), one draw per value;
- ``leniency_i`` the interviewer's general leniency, N(0, leniency_sd);
- ``leniency_iv`` their extra leniency on one value, N(0, value_leniency_sd), centred over the
  values so it averages 0 for each interviewer;
- ``noise`` N(0, noise_sd), new for every rating.

The generating parameters are ``leniency_i`` and, on a value, ``leniency_i + leniency_iv``
(written to the truth file as ``latent_leniency`` and ``latent_by_value``). The truth file's
``leniency`` and ``by_value`` are what a leniency measured against the panel estimates: the
expected deviation in rating points from the other interviewers on the same loop and value, given
who sat on which panel (``_true_leniency``); the ends of the scale make it a little smaller than
the parameter, and it is relative to the colleagues actually met. Criterion ratings follow the same pattern with a criterion-specific
discrimination, from 0 (the criterion says nothing about the candidate) to 1.2, so some criteria
are healthy and some are not.

Workloads are unequal on purpose, as in real teams: a third of the interviewers are occasional
(one to four interviews over the whole simulation), the rest regular; every sixth interviewer is
also a director and runs director rounds."""

from dataclasses import dataclass, field
from math import erf, sqrt

import numpy as np

FIRST_NAMES = [
    "Avery",
    "Blake",
    "Casey",
    "Drew",
    "Emery",
    "Finley",
    "Gray",
    "Harper",
    "Indy",
    "Jules",
    "Kai",
    "Logan",
    "Morgan",
    "Noor",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Rowan",
    "Sage",
    "Tatum",
    "Umi",
    "Val",
    "Wren",
    "Xan",
    "Yael",
    "Zion",
    "Ari",
    "Bay",
    "Cruz",
]
LAST_NAMES = [
    "Adler",
    "Brandt",
    "Chen",
    "Diaz",
    "Eze",
    "Fox",
    "Gupta",
    "Hale",
    "Ito",
    "Jansen",
    "Kim",
    "Lopez",
    "Moss",
    "Novak",
    "Okafor",
    "Park",
]


@dataclass(frozen=True)
class QuestionPlan:
    number: int
    criteria: tuple[int, ...]


@dataclass(frozen=True)
class RoundPlan:
    """An interview round of the rubric: its values in focus and questions."""

    slug: str
    values: tuple[str, ...]
    questions: tuple[QuestionPlan, ...]
    is_decision: bool = False


@dataclass(frozen=True)
class SimInterviewer:
    username: str
    first_name: str
    last_name: str
    is_director: bool
    leniency: float  # the truth, in rating points (see _true_leniency)
    by_value: dict[str, float]
    latent_leniency: float  # the generator's parameter, on the latent scale
    latent_by_value: dict[str, float]
    occasional: bool


@dataclass(frozen=True)
class SimCard:
    round: str
    interviewer: str
    questions: tuple[int, ...]
    value_ratings: dict[str, int]
    criterion_ratings: dict[int, int]
    recommendation: str
    keeper: str


@dataclass(frozen=True)
class SimLoop:
    number: int
    level: float
    cards: tuple[SimCard, ...]


@dataclass(frozen=True)
class Settings:
    leniency_sd: float = 0.5
    value_leniency_sd: float = 0.2
    noise_sd: float = 0.6
    level_mean: float = 2.6
    level_sd: float = 0.6
    value_sd: float = 0.15


@dataclass(frozen=True)
class Plan:
    seed: int
    interviewers: tuple[SimInterviewer, ...]
    loops: tuple[SimLoop, ...]
    settings: Settings = field(default_factory=Settings)

    def truth(self, rubric_id: int, loop_ids: list[int]) -> dict:
        """Product §8.1's truth file: interviewers' leniencies and candidates' levels by loop id."""
        return {
            "rubric": rubric_id,
            "interviewers": {
                i.username: {
                    "leniency": round(i.leniency, 6),
                    "by_value": {k: round(v, 6) for k, v in i.by_value.items()},
                    "latent_leniency": round(i.latent_leniency, 6),
                    "latent_by_value": {k: round(v, 6) for k, v in i.latent_by_value.items()},
                }
                for i in self.interviewers
            },
            "candidates": {
                str(loop_id): round(loop.level, 6) for loop_id, loop in zip(loop_ids, self.loops, strict=True)
            },
        }


def _expected_ratings(leniency, extra, value_effect, values, settings: Settings) -> np.ndarray:
    """E[rating] of each interviewer on each value, over the candidates and the noise: with
    L ~ N(m, s²) and rating = 1 + [L > 1.5] + [L > 2.5] + [L > 3.5] (clip(round(L), 1, 4)),
    E[rating] = 1 + sum_k Phi((m - k) / s), where s² = level_sd² + noise_sd²."""
    spread = sqrt(settings.level_sd**2 + settings.noise_sd**2)
    means = settings.level_mean + np.array([value_effect[slug] for slug in values])[None, :] + leniency[:, None] + extra
    cuts = np.array([1.5, 2.5, 3.5])
    z = (means[:, :, None] - cuts[None, None, :]) / spread
    return 1 + (0.5 * (1 + np.vectorize(erf)(z / sqrt(2)))).sum(axis=2)


def _true_leniency(loops, people_index: dict, expected: np.ndarray, values: list[str]):
    """The truth the estimator aims at, in rating points: the expected deviation of each of the
    interviewer's ratings from the mean of the other interviewers' ratings of the same value on
    the same loop (Product §8.1), averaged over their ratings that have another beside them,
    given who sat on which panel. The ends of the scale and rounding make it a little smaller than
    the generating parameter, and it is relative to the colleagues actually met (the zero of any
    leniency measured against the panel)."""
    value_index = {slug: v for v, slug in enumerate(values)}
    count = expected.shape[0]
    total = np.zeros(count)
    seen = np.zeros(count)
    total_v = np.zeros((count, len(values)))
    seen_v = np.zeros((count, len(values)))
    for loop in loops:
        raters: dict[int, list[int]] = {}
        for card in loop.cards:
            for slug in card.value_ratings:
                people = raters.setdefault(value_index[slug], [])
                if people_index[card.interviewer] not in people:  # one cell per person, as the estimator counts
                    people.append(people_index[card.interviewer])
        for v, people in raters.items():
            if len(people) < 2:
                continue
            for j in people:
                others = [expected[o, v] for o in people if o != j]
                gap = expected[j, v] - sum(others) / len(others)
                total[j] += gap
                seen[j] += 1
                total_v[j, v] += gap
                seen_v[j, v] += 1
    general = [float(total[j] / seen[j]) if seen[j] else 0.0 for j in range(count)]
    by_value = [
        {slug: float(total_v[j, v] / seen_v[j, v]) for slug, v in value_index.items() if seen_v[j, v]}
        for j in range(count)
    ]
    return general, by_value


def _clip(latent: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(latent), 1, 4).astype(int)


def _recommendation(mean: float) -> str:
    if mean >= 3.5:
        return "strong_yes"
    if mean >= 2.5:
        return "yes"
    if mean >= 1.5:
        return "no"
    return "strong_no"


def plan_loops(
    *,
    rounds: list[RoundPlan],
    values: list[str],
    loops: int,
    interviewers: int,
    seed: int,
    settings: Settings | None = None,
    prefix: str = "sim",
) -> Plan:
    """Plan ``loops`` loops with ``interviewers`` interviewers, every draw from one seeded
    generator: the same arguments give the same plan."""
    settings = settings or Settings()
    rng = np.random.default_rng(seed)
    interview_rounds = [r for r in rounds if not r.is_decision]
    decision_rounds = [r for r in rounds if r.is_decision]
    count = max(interviewers, len(interview_rounds) + 1)

    leniency = rng.normal(0, settings.leniency_sd, count)
    extra = rng.normal(0, settings.value_leniency_sd, (count, len(values)))
    if len(values) > 1:
        extra -= extra.mean(axis=1, keepdims=True)
    directors = np.zeros(count, dtype=bool)
    directors[::6] = True
    occasional = np.zeros(count, dtype=bool)
    candidates_for_occasional = np.flatnonzero(~directors)
    occasional[rng.choice(candidates_for_occasional, size=count // 2, replace=False)] = True
    # Activity: regulars share the slots; an occasional interviewer expects one to four cards in all.
    activity = rng.lognormal(0, 0.3, count)
    slots = loops * len(interview_rounds)
    regular_total = activity[~occasional].sum()
    expected_cards = rng.uniform(1, 3, count)
    activity[occasional] = expected_cards[occasional] * regular_total / max(slots, 1)

    value_effect = dict(zip(values, rng.normal(0, settings.value_sd, len(values)), strict=True))
    value_index = {slug: v for v, slug in enumerate(values)}
    criteria = sorted({c for r in rounds for q in r.questions for c in q.criteria})
    discrimination = dict(zip(criteria, rng.uniform(0, 1.2, len(criteria)), strict=True))
    easiness = dict(zip(criteria, rng.normal(0.2, 0.3, len(criteria)), strict=True))
    director_ids = np.flatnonzero(directors)
    usernames = [f"{prefix}{seed}-i{j:03d}" for j in range(count)]
    people_index = {name: j for j, name in enumerate(usernames)}

    planned = []
    for number in range(loops):
        level = float(rng.normal(settings.level_mean, settings.level_sd))
        weights = activity / activity.sum()
        panel = rng.choice(count, size=len(interview_rounds), replace=False, p=weights)
        seats = list(zip(interview_rounds, panel, strict=True))
        for round_plan in decision_rounds:
            free = [d for d in director_ids if d not in panel] or list(director_ids)
            chance = activity[free] / activity[free].sum()
            seats.append((round_plan, int(rng.choice(free, p=chance))))
        cards = []
        for round_plan, j in seats:
            asked = tuple(q for q in round_plan.questions if len(round_plan.questions) == 1 or rng.random() < 0.75)
            if not asked and round_plan.questions:
                asked = (round_plan.questions[int(rng.integers(len(round_plan.questions)))],)
            latent = np.array(
                [level + value_effect[slug] + leniency[j] + extra[j, value_index[slug]] for slug in round_plan.values]
            ) + rng.normal(0, settings.noise_sd, len(round_plan.values))
            ratings = dict(zip(round_plan.values, _clip(latent).tolist(), strict=True))
            asked_criteria = [c for q in asked for c in q.criteria]
            criterion_latent = np.array(
                [
                    2.5 + easiness[c] + discrimination[c] * (level - settings.level_mean) + leniency[j]
                    for c in asked_criteria
                ]
            ) + rng.normal(0, settings.noise_sd, len(asked_criteria))
            card_mean = float(np.mean(list(ratings.values()))) if ratings else level
            cards.append(
                SimCard(
                    round=round_plan.slug,
                    interviewer=usernames[j],
                    questions=tuple(q.number for q in asked),
                    value_ratings=ratings,
                    criterion_ratings=dict(zip(asked_criteria, _clip(criterion_latent).tolist(), strict=True)),
                    recommendation=_recommendation(card_mean),
                    keeper="yes" if card_mean >= 3 else "no",
                )
            )
        planned.append(SimLoop(number=number, level=level, cards=tuple(cards)))
    expected = _expected_ratings(leniency, extra, value_effect, values, settings)
    truth, truth_by_value = _true_leniency(planned, people_index, expected, values)
    people = tuple(
        SimInterviewer(
            username=usernames[j],
            first_name=FIRST_NAMES[(j + 7 * seed) % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(j // len(FIRST_NAMES) + j + 3 * seed) % len(LAST_NAMES)],
            is_director=bool(directors[j]),
            leniency=truth[j],
            by_value=truth_by_value[j],
            latent_leniency=float(leniency[j]),
            latent_by_value={slug: float(leniency[j] + extra[j, v]) for v, slug in enumerate(values)},
            occasional=bool(occasional[j]),
        )
        for j in range(count)
    )
    return Plan(seed=seed, interviewers=people, loops=tuple(planned), settings=settings)


def plan_input(plan: Plan, *, rounds: list[RoundPlan], values: list[str], reads_per_value: int = 2, questions=None):
    """The plan as the maths would read it back from the database (``CalibrationInput``), with
    interviewers numbered by their place in the plan and loops by their number: for tests of the
    maths on a simulation, without writing it."""
    from calibration.report import CalibrationInput, QuestionDef, ValueDef

    value_index = {slug: v for v, slug in enumerate(values)}
    person_index = {p.username: j for j, p in enumerate(plan.interviewers)}
    order = {r.slug: n for n, r in enumerate(rounds)}
    columns: dict[str, list] = {name: [] for name in ("card", "loop", "interviewer", "value", "rating", "order")}
    criteria: dict[str, list] = {"criterion_card": [], "criterion": [], "criterion_rating": []}
    asked: dict[str, list] = {"asked_card": [], "asked_loop": [], "asked_question": []}
    cards_by: dict[int, int] = {}
    card_id = 0
    for loop in plan.loops:
        for card in loop.cards:
            card_id += 1
            j = person_index[card.interviewer]
            cards_by[j] = cards_by.get(j, 0) + 1
            for slug, rating in card.value_ratings.items():
                for name, item in zip(
                    columns, (card_id, loop.number, j, value_index[slug], rating, order[card.round]), strict=True
                ):
                    columns[name].append(item)
            for criterion, rating in card.criterion_ratings.items():
                for name, item in zip(criteria, (card_id, criterion, rating), strict=True):
                    criteria[name].append(item)
            for number in card.questions:
                for name, item in zip(asked, (card_id, loop.number, number), strict=True):
                    asked[name].append(item)
    if questions is None:
        numbers = sorted({q.number for r in rounds for q in r.questions})
        questions = tuple(QuestionDef(number, f"Question {number}") for number in numbers)
    return CalibrationInput(
        rubric=0,
        reads_per_value=reads_per_value,
        values=tuple(ValueDef(slug, slug.title()) for slug in values),
        questions=tuple(questions),
        interviewer_names={
            j: f"{p.first_name} {p.last_name}" for j, p in enumerate(plan.interviewers) if j in cards_by
        },
        loops=len(plan.loops),
        scorecards=card_id,
        cards_by_interviewer=cards_by,
        **{name: np.asarray(items, dtype=np.int64) for name, items in {**columns, **criteria, **asked}.items()},
    )
