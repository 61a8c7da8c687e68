"""The stored calibration as the API, the CSV and the page give it (Product §7.1)."""

import json

from calibration.models import Calibration
from calibration.report import calibration_compute
from calibration.selectors import calibration_empty_input
from rubric.models import Rubric

CSV_COLUMNS = [
    "section",
    "interviewer",
    "name",
    "value",
    "question",
    "criterion",
    "ratings",
    "raw",
    "estimate",
    "low",
    "high",
    "flagged",
    "note",
]


def calibration_text(rubric: Rubric) -> str:
    """The stored report as JSON text with ``rubric`` and ``computed_at`` first, served without
    parsing it; before the first recompute, the report of no ratings (every key present,
    nothing measured) with ``computed_at`` null."""
    stored = Calibration.objects.filter(rubric=rubric).exclude(computed_at=None).first()
    if stored is None:
        body = json.dumps(calibration_compute(calibration_empty_input(rubric)), separators=(",", ":"))
        head = {"rubric": rubric.pk, "computed_at": None}
    else:
        body, head = stored.text, {"rubric": rubric.pk, "computed_at": stored.computed_at.isoformat()}
    return json.dumps(head, separators=(",", ":"))[:-1] + "," + body[1:]


def calibration_payload(rubric: Rubric) -> dict:
    return json.loads(calibration_text(rubric))


def _cell(value) -> str:
    """Keep a spreadsheet from running text as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _row(**cells) -> list[str]:
    return [_cell(cells.get(column)) for column in CSV_COLUMNS]


def calibration_csv_rows(payload: dict):
    """One table for the whole report: leniency per interviewer (all values, then each value),
    reliability (overall, then per value), the G-study, and each criterion's health."""
    yield CSV_COLUMNS
    for person in payload["interviewers"]:
        general = person["leniency"]
        yield _row(
            section="leniency",
            interviewer=person["interviewer"],
            name=person["name"],
            value="all",
            ratings=person["ratings"],
            raw=general["raw"],
            estimate=general["shrunk"],
            low=general["ci90"][0],
            high=general["ci90"][1],
            flagged=general["flagged"],
            note="90 % interval",
        )
        for slug, estimate in person["by_value"].items():
            yield _row(
                section="leniency",
                interviewer=person["interviewer"],
                name=person["name"],
                value=slug,
                ratings=estimate["ratings"],
                raw=estimate["raw"],
                estimate=estimate["shrunk"],
                low=estimate["ci90"][0],
                high=estimate["ci90"][1],
                note="90 % interval",
            )
    reliability = payload["reliability"]
    for value, block in [("all", reliability), *reliability["values"].items()]:
        low, high = block["ci95"] or (None, None)
        yield _row(
            section="reliability",
            value=value,
            ratings=block["units"],
            estimate=block["alpha"],
            low=low,
            high=high,
            note=f"Krippendorff's alpha (ordinal), 95 % bootstrap interval; units: loop x value. {block['reading']}",
        )
    study = payload["g_study"]
    for component, variance in (study["variance"] or {}).items():
        yield _row(section="g_study", value=component, ratings=study["ratings"], estimate=variance, note="variance")
    yield _row(
        section="g_study",
        value="reads_for_g80",
        estimate=study["reads_for_g80"],
        note=f"reads per value for G ≥ 0.80; the rubric asks for {study['reads_per_value']}",
    )
    for question in payload["questions"]:
        yield _row(
            section="question",
            question=question["number"],
            ratings=question["asked"],
            estimate=question["share"],
            note=" ".join(question["flags"]) or "asked (cards); share of loops",
        )
        for criterion in question["criteria"]:
            yield _row(
                section="criterion",
                question=question["number"],
                criterion=criterion["id"],
                name=criterion["text"],
                ratings=criterion["ratings"],
                raw=criterion["mean"],
                estimate=criterion["item_rest"],
                low=criterion["floor"],
                high=criterion["ceiling"],
                note=" ".join(criterion["flags"]) or "raw: mean; estimate: item-rest r; low/high: share of 1s / 4s",
            )
