"""The Keeper Test summary (Product §5): pure functions over plain data.

Nothing here touches the database or HTTP; ``scorecards.summary_store.summary_input``
gathers the rows and ``summary_compute`` turns them into the summary, so every figure can be
tested and explained on hand-built data. The verdict is a rule applied to numbers, never an
average of opinions, and the rule's thresholds are the rubric version's Keeper bar."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean

import krippendorff
import numpy as np

RECOMMENDATION_POINTS = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
RELIABLE_FROM = 0.8
TENTATIVE_FROM = 0.667


@dataclass(frozen=True)
class ValueDef:
    slug: str
    name: str


@dataclass(frozen=True)
class QuestionDef:
    number: int
    prompt: str


@dataclass(frozen=True)
class KeeperBar:
    strong_mean: float = 3.5
    meets_mean: float = 3.0
    min_keeper_yes_share: float = 0.5
    strong_no_blocks: bool = True
    blocking_flag_blocks: bool = True
    evidence_required_for_every_value: bool = True
    disagreement_points: int = 2
    calibrated: bool = False  # Product §8.1: compare calibrated value means with the bar


@dataclass(frozen=True)
class Rating:
    value: str
    rating: int | None  # None: not assessed
    evidence: str


@dataclass(frozen=True)
class Flag:
    failure_mode: int
    text: str
    severity: str  # "blocking" | "concern"
    note: str


@dataclass(frozen=True)
class Card:
    """One submitted scorecard, as the summary needs it."""

    scorecard: int
    interviewer: int
    interviewer_name: str
    round: int
    round_name: str
    round_order: int
    recommendation: str
    keeper: str
    ratings: tuple[Rating, ...] = ()
    flags: tuple[Flag, ...] = ()
    questions: tuple[int, ...] = ()
    revision: int = 1
    amended_after_exposure: bool = False


@dataclass(frozen=True)
class SummaryInput:
    loop: int
    rubric_version: int
    values: tuple[ValueDef, ...]
    questions: tuple[QuestionDef, ...]
    bar: KeeperBar
    cards: tuple[Card, ...] = field(default_factory=tuple)
    leniency: dict[int, float] = field(default_factory=dict)  # interviewer -> shrunk leniency, for a calibrated bar


def _round2(number: float) -> float:
    return float(Decimal(str(number)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def value_status(ratings: list[int], bar: KeeperBar) -> str:
    """strong: mean at or above the strong bar and nobody under 3; meets: mean at or above
    the meets bar; concern: below it; no_evidence: nobody rated it."""
    if not ratings:
        return "no_evidence"
    average = mean(ratings)
    if average >= bar.strong_mean and min(ratings) >= 3:
        return "strong"
    if average >= bar.meets_mean:
        return "meets"
    return "concern"


def value_table(data: SummaryInput) -> list[dict]:
    table = []
    for value in data.values:
        entries = [
            {
                "interviewer": card.interviewer,
                "interviewer_name": card.interviewer_name,
                "round": card.round,
                "round_name": card.round_name,
                "rating": rating.rating,
                "evidence": rating.evidence,
            }
            for card in sorted(data.cards, key=lambda c: (c.round_order, c.scorecard))
            for rating in card.ratings
            if rating.value == value.slug
        ]
        scores = [e["rating"] for e in entries if e["rating"] is not None]
        table.append(
            {
                "value": value.slug,
                "name": value.name,
                "count": len(scores),
                "not_assessed": len(entries) - len(scores),
                "mean": _round2(mean(scores)) if scores else None,
                "min": min(scores) if scores else None,
                "max": max(scores) if scores else None,
                "spread": max(scores) - min(scores) if scores else None,
                "status": value_status(scores, data.bar),
                "ratings": entries,
            }
        )
    return table


def who_said_what(data: SummaryInput) -> list[dict]:
    return [
        {
            "scorecard": card.scorecard,
            "interviewer": card.interviewer,
            "interviewer_name": card.interviewer_name,
            "round": card.round,
            "round_name": card.round_name,
            "recommendation": card.recommendation,
            "keeper": card.keeper,
            "revision": card.revision,
            "amended_after_exposure": card.amended_after_exposure,
        }
        for card in sorted(data.cards, key=lambda c: (c.round_order, c.scorecard))
    ]


def red_flags(data: SummaryInput) -> list[dict]:
    """Every flag with who raised it; blocking ones first."""
    flags = [
        {
            "failure_mode": flag.failure_mode,
            "text": flag.text,
            "severity": flag.severity,
            "note": flag.note,
            "interviewer": card.interviewer,
            "interviewer_name": card.interviewer_name,
            "round": card.round,
            "round_name": card.round_name,
        }
        for card in sorted(data.cards, key=lambda c: (c.round_order, c.scorecard))
        for flag in card.flags
    ]
    return sorted(flags, key=lambda f: f["severity"] != "blocking")


def disagreements(data: SummaryInput, table: list[dict]) -> list[dict]:
    """Values and recommendations where interviewers sit the bar's points apart or more."""
    gap = data.bar.disagreement_points
    found = []
    for row in table:
        if row["spread"] is not None and row["spread"] >= gap:
            rated = [r for r in row["ratings"] if r["rating"] is not None]
            found.append(
                {
                    "kind": "value",
                    "value": row["value"],
                    "spread": row["spread"],
                    "low": [r for r in rated if r["rating"] == row["min"]],
                    "high": [r for r in rated if r["rating"] == row["max"]],
                }
            )
    points = [(RECOMMENDATION_POINTS[c.recommendation], c) for c in data.cards if c.recommendation]
    if points:
        low, high = min(p for p, _ in points), max(p for p, _ in points)
        if high - low >= gap:
            found.append(
                {
                    "kind": "recommendation",
                    "spread": high - low,
                    "low": [_said(c) for p, c in points if p == low],
                    "high": [_said(c) for p, c in points if p == high],
                }
            )
    return found


def _said(card: Card) -> dict:
    return {
        "interviewer": card.interviewer,
        "interviewer_name": card.interviewer_name,
        "round": card.round,
        "round_name": card.round_name,
        "recommendation": card.recommendation,
    }


def gaps(data: SummaryInput, table: list[dict]) -> dict:
    asked = {number for card in data.cards for number in card.questions}
    return {
        "values": [row["value"] for row in table if row["count"] == 0],
        "questions": [q.number for q in data.questions if q.number not in asked],
    }


def agreement(matrix: list[list[float]], value_domain: list[int]) -> dict:
    """Krippendorff's alpha, ordinal, with missing ratings allowed (rows are raters, columns
    units). Null with a reason when it cannot be computed from so few ratings."""
    ratings = int(np.count_nonzero(~np.isnan(np.asarray(matrix, dtype=float)))) if matrix else 0
    if not matrix or ratings == 0:
        return {"alpha": None, "reading": "Too few ratings to measure agreement.", "ratings": ratings}
    data = np.asarray(matrix, dtype=float)
    pairable_units = np.count_nonzero(np.sum(~np.isnan(data), axis=0) >= 2)
    pairable = data[:, np.sum(~np.isnan(data), axis=0) >= 2]
    distinct = np.unique(pairable[~np.isnan(pairable)])
    if pairable_units == 0:
        return {
            "alpha": None,
            "reading": "Too few ratings to measure agreement: no value was rated by two interviewers.",
            "ratings": ratings,
        }
    if len(distinct) < 2:
        return {
            "alpha": None,
            "reading": "Every rating that can be compared is the same; agreement is total but alpha is undefined.",
            "ratings": ratings,
        }
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = float(
            krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=value_domain)
        )
    if alpha >= RELIABLE_FROM:
        reading = f"Reliable agreement (alpha {alpha:.3f} is at least {RELIABLE_FROM})."
    elif alpha >= TENTATIVE_FROM:
        reading = f"Tentative agreement (alpha {alpha:.3f} is at least {TENTATIVE_FROM} but under {RELIABLE_FROM})."
    else:
        reading = f"Unreliable agreement (alpha {alpha:.3f} is under {TENTATIVE_FROM}): read the evidence closely."
    return {"alpha": round(alpha, 3), "reading": reading, "ratings": ratings}


def loop_agreement(data: SummaryInput) -> dict:
    """Each scorecard is a rater, each value a unit; "not assessed" is a missing rating."""
    slugs = [v.slug for v in data.values]
    matrix = []
    for card in data.cards:
        by_value = {r.value: r.rating for r in card.ratings if r.rating is not None}
        matrix.append([float(by_value[s]) if s in by_value else np.nan for s in slugs])
    return agreement(matrix, value_domain=[1, 2, 3, 4])


def verdict(data: SummaryInput, table: list[dict]) -> dict:
    """The Keeper bar applied mechanically: every check, met or not, with its figures."""
    bar = data.bar
    checks: list[dict] = []

    def check(code: str, met: bool, detail: str) -> None:
        checks.append({"code": code, "met": met, "detail": detail})

    if not data.cards:
        check("no_scorecards", False, "No scorecard has been submitted yet.")
    for row in table:
        if row["count"] == 0:
            if bar.evidence_required_for_every_value:
                check(f"no_evidence:{row['value']}", False, f"{row['name']} has no evidence.")
        elif row["mean"] < bar.meets_mean:
            check(
                f"value_mean:{row['value']}",
                False,
                f"{row['name']} averages {row['mean']:.2f}, under the bar of {bar.meets_mean:.2f}.",
            )
    rated = [row for row in table if row["count"]]
    if rated and all(row["mean"] >= bar.meets_mean for row in rated):
        check("value_means", True, f"Every rated value averages at least {bar.meets_mean:.2f}.")
    if bar.evidence_required_for_every_value and table and all(row["count"] for row in table):
        check("evidence", True, "Every value has evidence.")

    strong_noes = [c for c in data.cards if c.recommendation == "strong_no"]
    if bar.strong_no_blocks:
        for card in strong_noes:
            check(
                f"strong_no:{card.scorecard}",
                False,
                f"{card.interviewer_name} recommended strong no ({card.round_name}).",
            )
        if data.cards and not strong_noes:
            check("strong_no", True, "Nobody recommended strong no.")

    blocking = [(c, f) for c in data.cards for f in c.flags if f.severity == "blocking"]
    if bar.blocking_flag_blocks:
        for card, flag in blocking:
            check(
                f"blocking_flag:{card.scorecard}:{flag.failure_mode}",
                False,
                f"{card.interviewer_name} raised a blocking red flag ({card.round_name}): {flag.text}",
            )
        if data.cards and not blocking:
            check("blocking_flag", True, "No blocking red flag was raised.")

    signals = [c.keeper for c in data.cards if c.keeper]
    if signals:
        yes = signals.count("yes")
        share = yes / len(signals)
        check(
            "keeper_share",
            share >= bar.min_keeper_yes_share,
            f"{yes} of {len(signals)} interviewers would fight to keep this person ({share:.0%}; "
            f"the bar is {bar.min_keeper_yes_share:.0%}).",
        )

    unmet = [c for c in checks if not c["met"]]
    return {
        "met": not unmet,
        "rule": rule_text(bar),
        "reasons": [c["detail"] for c in (unmet or checks)],
        "checks": checks,
    }


def calibrated_mean(ratings: list[tuple[int, int]], leniency: dict[int, float]) -> float | None:
    """Product §8.1: the mean of (rating - its interviewer's shrunk leniency) over ``(interviewer,
    rating)`` pairs, an interviewer without a calibration counting as 0; kept on the 1-4 scale.
    Each interviewer counts once per value, with their mean (as in the calibration itself)."""
    by_person: dict[int, list[int]] = {}
    for interviewer, rating in ratings:
        by_person.setdefault(interviewer, []).append(rating)
    if not by_person:
        return None
    adjusted = [mean(scores) - leniency.get(person, 0.0) for person, scores in by_person.items()]
    return _round2(min(4.0, max(1.0, mean(adjusted))))


def calibration_add(values: list[dict], leniency: dict[int, float]) -> list[dict]:
    """Beside each value's raw mean its ``calibrated_mean``, and on each rating its interviewer's
    ``rater_leniency`` (null when the interviewer has none yet). The raw figures stay as they are."""
    for row in values:
        pairs = [(r["interviewer"], r["rating"]) for r in row["ratings"] if r["rating"] is not None]
        row["calibrated_mean"] = calibrated_mean(pairs, leniency)
        for rating in row["ratings"]:
            found = leniency.get(rating["interviewer"])
            rating["rater_leniency"] = None if found is None else round(found, 2)
    return values


def _calibrated_table(table: list[dict], leniency: dict[int, float]) -> list[dict]:
    """The table the verdict reads under a calibrated bar: each mean is the calibrated one."""
    rows = []
    for row in table:
        pairs = [(r["interviewer"], r["rating"]) for r in row["ratings"] if r["rating"] is not None]
        name = f"{row['name']} (calibrated)" if pairs else row["name"]
        rows.append({**row, "name": name, "mean": calibrated_mean(pairs, leniency)})
    return rows


def rule_text(bar: KeeperBar) -> str:
    parts = []
    if bar.evidence_required_for_every_value:
        parts.append("every value has evidence")
    parts.append(f"every rated value averages at least {bar.meets_mean:.2f}")
    if bar.strong_no_blocks:
        parts.append("nobody recommends strong no")
    if bar.blocking_flag_blocks:
        parts.append("no blocking red flag")
    parts.append(f"at least {bar.min_keeper_yes_share:.0%} of Keeper signals are yes")
    calibrated = (
        " Value means are calibrated: each rating less its interviewer's shrunk leniency." if bar.calibrated else ""
    )
    return "Met when " + ", ".join(parts) + "." + calibrated


def summary_compute(data: SummaryInput) -> dict:
    """The summary of Product §5 and §7.1, less the parts that depend on today
    (timeline) or on later writes (decision), which the caller adds."""
    table = value_table(data)
    return {
        "loop": data.loop,
        "rubric_version": data.rubric_version,
        "scorecards": len(data.cards),
        "values": table,
        "who_said_what": who_said_what(data),
        "red_flags": red_flags(data),
        "disagreements": disagreements(data, table),
        "gaps": gaps(data, table),
        "agreement": loop_agreement(data),
        "verdict": verdict(data, _calibrated_table(table, data.leniency) if data.bar.calibrated else table),
    }
