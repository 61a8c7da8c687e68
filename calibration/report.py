"""The calibration report of one rubric version (Product §7.1, §8.1), computed from plain data.

``calibration.selectors.calibration_input`` gathers the submitted scorecards' ratings into a
``CalibrationInput``; ``calibration_compute`` turns it into the stored JSON. Nothing here touches
the database, so the whole report can be built from a simulation plan in tests."""

from dataclasses import dataclass, field

import numpy as np

from calibration import stats

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20070101  # fixed, so a recompute of unchanged data gives the same interval
G_TARGET = 0.8
ITEM_REST_SHOWN_FROM = 10  # ratings; fewer give a correlation too noisy to print
ITEM_REST_FLAG_FROM = 30  # ratings before a low item-rest correlation is a flag
ITEM_REST_LOW = 0.2
NO_SPREAD_FROM = 10  # ratings before "never below 3" / "never above 2" means something


@dataclass(frozen=True)
class ValueDef:
    slug: str
    name: str


@dataclass(frozen=True)
class CriterionDef:
    id: int
    text: str


@dataclass(frozen=True)
class QuestionDef:
    number: int
    prompt: str
    criteria: tuple[CriterionDef, ...] = ()


def _ints(values=()) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


@dataclass(frozen=True)
class CalibrationInput:
    """Every rating of the submitted scorecards of one rubric version, at their current revision.

    Value ratings are parallel arrays, one entry per rating given (not "not assessed"):
    ``value`` is the index into ``values``, ``order`` the round's order in its loop. Criterion
    ratings and the questions asked name their scorecard, so a criterion rating can be set
    beside the same card's value ratings."""

    rubric: int
    reads_per_value: int
    values: tuple[ValueDef, ...]
    questions: tuple[QuestionDef, ...]
    interviewer_names: dict[int, str]
    loops: int
    scorecards: int
    card: np.ndarray = field(default_factory=_ints)
    loop: np.ndarray = field(default_factory=_ints)
    interviewer: np.ndarray = field(default_factory=_ints)
    value: np.ndarray = field(default_factory=_ints)
    rating: np.ndarray = field(default_factory=_ints)
    order: np.ndarray = field(default_factory=_ints)
    criterion_card: np.ndarray = field(default_factory=_ints)
    criterion: np.ndarray = field(default_factory=_ints)
    criterion_rating: np.ndarray = field(default_factory=_ints)
    asked_card: np.ndarray = field(default_factory=_ints)
    asked_loop: np.ndarray = field(default_factory=_ints)
    asked_question: np.ndarray = field(default_factory=_ints)  # question numbers
    cards_by_interviewer: dict[int, int] = field(default_factory=dict)
    overuse_share: float = 0.9


def _r(number: float | None, places: int = 4) -> float | None:
    return None if number is None else round(float(number), places)


def _interval(pair) -> list[float] | None:
    return None if pair is None else [_r(pair[0]), _r(pair[1])]


def leniency_table(data: CalibrationInput, cells: stats.Cells) -> tuple[list[dict], dict]:
    """Every interviewer with a rating: general leniency, and per value (Product §8.1)."""
    deviations = stats.leniency_deviations(cells)
    raters = sorted(data.interviewer_names)
    general = stats.eb_shrink(deviations.interviewer, deviations.deviation, prior_only=tuple(raters))
    per_value: dict[str, stats.Shrinkage] = {}
    for index, value in enumerate(data.values):
        mask = deviations.value == index
        if mask.any():
            per_value[value.slug] = stats.eb_shrink(deviations.interviewer[mask], deviations.deviation[mask])
    rows = []
    for interviewer in raters:
        estimate = general.estimates[interviewer]
        by_value = {}
        for slug, shrinkage in per_value.items():
            found = shrinkage.estimates.get(interviewer)
            if found is not None:
                by_value[slug] = {
                    "raw": _r(found.raw),
                    "shrunk": _r(found.shrunk),
                    "ratings": found.n,
                    "ci90": _interval(found.ci90),
                }
        rows.append(
            {
                "interviewer": interviewer,
                "name": data.interviewer_names[interviewer],
                "ratings": estimate.n,
                "cards": data.cards_by_interviewer.get(interviewer, 0),
                "leniency": {
                    "raw": _r(estimate.raw),
                    "shrunk": _r(estimate.shrunk),
                    "ci90": _interval(estimate.ci90),
                    "flagged": estimate.flagged,
                },
                "by_value": by_value,
            }
        )
    model = {
        "tau2": _r(general.tau2, 6),
        "sigma2": _r(general.sigma2, 6),
        "values": {slug: {"tau2": _r(s.tau2, 6), "sigma2": _r(s.sigma2, 6)} for slug, s in per_value.items()},
    }
    return rows, model


def reliability(data: CalibrationInput, cells: stats.Cells) -> dict:
    """Alpha over every unit (loop x value), and per value, each with its bootstrap interval."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)

    def block(subset: stats.Cells) -> dict:
        counts = stats.unit_value_counts(subset)
        alpha = stats.alpha_ordinal(counts)
        interval = stats.alpha_bootstrap(counts, rng, BOOTSTRAP_RESAMPLES) if alpha is not None else None
        return {
            "alpha": _r(alpha),
            "ci95": _interval(interval),
            "reading": stats.alpha_reading(alpha),
            "units": len(counts),
        }

    result = block(cells)
    result["values"] = {}
    for index, value in enumerate(data.values):
        mask = cells.value == index
        subset = stats.Cells(
            cells.loop[mask], cells.value[mask], cells.interviewer[mask], cells.mean[mask], cells.last[mask]
        )
        result["values"][value.slug] = block(subset)
    return result


def g_study(data: CalibrationInput, cells: stats.Cells) -> dict:
    """Variance components on the cells (one per loop x value x interviewer), and the decision
    study's reads per value for G ≥ 0.80."""
    components = stats.variance_components(cells.loop, cells.interviewer, cells.value, cells.mean)
    if components is None:
        return {
            "variance": None,
            "reads_for_g80": None,
            "reads_per_value": data.reads_per_value,
            "g_at_reads_per_value": None,
            "ratings": len(cells),
        }
    return {
        "variance": {name: _r(share, 6) for name, share in components.as_dict().items()},
        "reads_for_g80": stats.reads_for_g(components, G_TARGET),
        "reads_per_value": data.reads_per_value,
        "g_at_reads_per_value": _r(stats.g_coefficient(components, data.reads_per_value)),
        "ratings": len(cells),
    }


def _card_value_means(data: CalibrationInput) -> dict[int, float]:
    if len(data.card) == 0:
        return {}
    cards, inverse = np.unique(data.card, return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=data.rating.astype(float))
    counts = np.bincount(inverse.reshape(-1))
    return dict(zip(cards.tolist(), (sums / counts).tolist(), strict=True))


def question_health(data: CalibrationInput) -> list[dict]:
    """Per question: how often asked, and per criterion the distribution of ratings, the mean,
    the item-rest correlation, and the flags (Product §8.1).

    The item-rest correlation is Pearson's r between a criterion's ratings and the mean of the
    same card's value ratings. The criterion is not one of the value ratings, so the "rest" is
    that whole mean and nothing of the criterion needs removing (the usual correction subtracts
    the item from a total it is part of)."""
    card_means = _card_value_means(data)
    asked_cards: dict[int, int] = {}
    asked_loops: dict[int, set] = {}
    for loop, number in zip(data.asked_loop.tolist(), data.asked_question.tolist(), strict=True):
        asked_cards[number] = asked_cards.get(number, 0) + 1
        asked_loops.setdefault(number, set()).add(loop)
    by_criterion: dict[int, list[tuple[int, int]]] = {}
    for card, criterion, rating in zip(
        data.criterion_card.tolist(), data.criterion.tolist(), data.criterion_rating.tolist(), strict=True
    ):
        by_criterion.setdefault(criterion, []).append((card, rating))

    rows = []
    for question in data.questions:
        share = len(asked_loops.get(question.number, ())) / data.loops if data.loops else 0.0
        flags = []
        if data.loops and share > data.overuse_share:
            flags.append(
                f"Overused: asked in {share:.0%} of loops, above the {data.overuse_share:.0%} set; "
                "candidates may know it in advance."
            )
        criteria = []
        for criterion in question.criteria:
            pairs = by_criterion.get(criterion.id, [])
            ratings = np.array([rating for _, rating in pairs], dtype=float)
            distribution = {str(point): int(np.sum(ratings == point)) for point in stats.SCALE}
            with_rest = [(rating, card_means[card]) for card, rating in pairs if card in card_means]
            item_rest = None
            if len(with_rest) >= ITEM_REST_SHOWN_FROM:
                item_rest = stats.pearson([p[0] for p in with_rest], [p[1] for p in with_rest])
            criterion_flags = []
            if len(ratings) >= NO_SPREAD_FROM and ratings.min() >= 3:
                criterion_flags.append(f"No spread: never rated below 3 in {len(ratings)} ratings.")
            if len(ratings) >= NO_SPREAD_FROM and ratings.max() <= 2:
                criterion_flags.append(f"No spread: never rated above 2 in {len(ratings)} ratings.")
            if len(with_rest) >= ITEM_REST_FLAG_FROM and (item_rest is None or item_rest < ITEM_REST_LOW):
                shown = "undefined" if item_rest is None else f"{item_rest:.2f}"
                criterion_flags.append(
                    f"Does not discriminate: item-rest correlation {shown} (under {ITEM_REST_LOW}) "
                    f"over {len(with_rest)} ratings."
                )
            flags += [f"“{criterion.text}”: {text}" for text in criterion_flags]
            criteria.append(
                {
                    "id": criterion.id,
                    "text": criterion.text,
                    "ratings": len(ratings),
                    "mean": _r(ratings.mean()) if len(ratings) else None,
                    "distribution": distribution,
                    "floor": _r(distribution["1"] / len(ratings)) if len(ratings) else None,
                    "ceiling": _r(distribution["4"] / len(ratings)) if len(ratings) else None,
                    "item_rest": _r(item_rest),
                    "flags": criterion_flags,
                }
            )
        rows.append(
            {
                "number": question.number,
                "prompt": question.prompt,
                "asked": asked_cards.get(question.number, 0),
                "loops": len(asked_loops.get(question.number, ())),
                "share": _r(share),
                "flags": flags,
                "criteria": criteria,
            }
        )
    return rows


def calibration_compute(data: CalibrationInput) -> dict:
    """The Product §7.1 calibration shape (less ``computed_at``, which the store adds)."""
    cells = stats.cells_from_ratings(data.loop, data.value, data.interviewer, data.rating, data.order)
    interviewers, model = leniency_table(data, cells)
    return {
        "rubric": data.rubric,
        "loops": data.loops,
        "scorecards": data.scorecards,
        "ratings": len(data.rating),
        "reliability": reliability(data, cells),
        "interviewers": interviewers,
        "leniency_model": model,
        "g_study": g_study(data, cells),
        "questions": question_health(data),
        "settings": {
            "overuse_share": data.overuse_share,
            "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
            "bootstrap_seed": BOOTSTRAP_SEED,
            "g_target": G_TARGET,
        },
    }
