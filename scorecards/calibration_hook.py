"""How the Keeper summary reads interviewer leniency without importing calibration (imports
point one way: scorecards ← calibration). The calibration app registers one provider when it
starts (``calibration.apps``); without it the summary simply has no calibration figures.

The provider answers ``provider(rubric_id, reader)``: each interviewer's shrunk leniency on the
rubric version, by user id; for a ``reader`` who may not read calibration, None (calibration's
own rule decides, Product §8.1). ``reader=None`` asks for the verdict of a version whose Keeper
bar compares calibrated means, which every reader of the summary sees."""

import json
from collections.abc import Callable

from scorecards import summary as maths

LeniencyProvider = Callable[[int, object], dict[int, float] | None]
_provider: list[LeniencyProvider] = []


def leniency_provider_set(provider: LeniencyProvider) -> None:
    _provider[:] = [provider]


def rater_leniencies(rubric_id: int, reader=None) -> dict[int, float] | None:
    return _provider[0](rubric_id, reader) if _provider else None


def summary_for(summary: dict, *, rubric_id: int, reader) -> dict:
    """``summary`` (a dict) as ``reader`` may read it; see ``summary_text_for``."""
    leniency = rater_leniencies(rubric_id, reader)
    if leniency is not None:
        maths.calibration_add(summary["values"], leniency)
    return summary


def summary_text_for(text: str, *, rubric_id: int, reader) -> str:
    """The summary as ``reader`` may read it: for those who read calibration, each value's
    calibrated mean beside its raw mean and each rating's rater leniency (new keys; nothing
    else changes); for everyone else the text as it is, unparsed."""
    leniency = rater_leniencies(rubric_id, reader)
    if leniency is None:
        return text
    summary = json.loads(text)
    maths.calibration_add(summary["values"], leniency)
    return json.dumps(summary, separators=(",", ":"))
