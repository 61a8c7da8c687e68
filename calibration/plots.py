"""Geometry of the calibration page's two plots, drawn on the server as SVG (Product §8.1: no
CDN, no script): the templates only place what is computed here."""

from math import ceil, floor

WIDTH = 760
LABEL = 190  # room for a name at the left
RIGHT = 90  # room for the count of ratings at the right
ROW = 24
TOP = 30  # room for the axis labels above the rows


def _x(value: float, low: float, high: float) -> float:
    return round(LABEL + (value - low) / (high - low) * (WIDTH - LABEL - RIGHT), 1)


def leniency_plot(interviewers: list[dict]) -> dict:
    """A dot-and-interval plot: one row per interviewer, most lenient first; the dot is the
    shrunk leniency, the line its 90 % interval, the ring the raw mean."""
    rows = sorted(interviewers, key=lambda r: (-r["leniency"]["shrunk"], r["name"]))
    extent = [0.5]
    for row in rows:
        extent += [abs(x) for x in row["leniency"]["ci90"]]
        if row["leniency"]["raw"] is not None:
            extent.append(abs(row["leniency"]["raw"]))
    reach = ceil((max(extent) + 0.05) * 4) / 4  # to the quarter point past the farthest mark
    low, high = -reach, reach
    step = 0.25 if reach <= 1 else 0.5
    ticks = []
    tick = low
    while tick <= high + 1e-9:
        ticks.append({"x": _x(tick, low, high), "label": f"{tick:+.2f}" if tick else "0"})
        tick += step
    drawn = []
    for i, row in enumerate(rows):
        estimate = row["leniency"]
        y = TOP + i * ROW + ROW / 2
        side = "lenient" if estimate["ci90"][0] > 0 else "harsh" if estimate["ci90"][1] < 0 else "within"
        drawn.append(
            {
                "y": y,
                "text_y": y + 4,
                "name": row["name"],
                "n": row["ratings"],
                "dot": _x(estimate["shrunk"], low, high),
                "raw": None if estimate["raw"] is None else _x(estimate["raw"], low, high),
                "low": _x(estimate["ci90"][0], low, high),
                "high": _x(estimate["ci90"][1], low, high),
                "side": side,
                "shrunk": estimate["shrunk"],
                "raw_value": estimate["raw"],
                "ci90": estimate["ci90"],
            }
        )
    height = TOP + len(rows) * ROW + 10
    return {
        "width": WIDTH,
        "height": height,
        "zero": _x(0, low, high),
        "ticks": ticks,
        "rows": drawn,
        "label_x": LABEL - 8,
        "n_x": WIDTH - RIGHT + 28,
        "axis_y": TOP - 12,
        "bottom": height - 10,
    }


def reliability_plot(reliability: dict, names: dict[str, str]) -> dict:
    """One bar per value: alpha, its 95 % interval as a whisker, and the lines at 0.667 and 0.8
    (Krippendorff's thresholds for tentative and reliable)."""
    blocks = [("All values", reliability)] + [
        (names.get(slug, slug), block) for slug, block in reliability["values"].items()
    ]
    lows = (
        [0.0]
        + [b["ci95"][0] for _, b in blocks if b["ci95"]]
        + [b["alpha"] for _, b in blocks if b["alpha"] is not None]
    )
    low = min(0.0, floor(min(lows) * 5) / 5)  # down to a multiple of 0.2, so 0 is a tick
    high = 1.0
    bars = []
    for i, (name, block) in enumerate(blocks):
        y = TOP + i * ROW
        alpha = block["alpha"]
        bars.append(
            {
                "y": y + 4,
                "text_y": y + ROW / 2 + 4,
                "mid": y + ROW / 2,
                "name": name,
                "alpha": alpha,
                "units": block["units"],
                "x": _x(min(0.0, alpha), low, high) if alpha is not None else _x(0, low, high),
                "width": round(abs(_x(alpha, low, high) - _x(0, low, high)), 1) if alpha is not None else 0,
                "ci_low": _x(block["ci95"][0], low, high) if block["ci95"] else None,
                "ci_high": _x(block["ci95"][1], low, high) if block["ci95"] else None,
                "reading": "reliable"
                if alpha is not None and alpha >= 0.8
                else "tentative"
                if alpha is not None and alpha >= 0.667
                else "low",
                "overall": i == 0,
            }
        )
    ticks = []
    tick = low
    while tick <= high + 1e-9:
        ticks.append({"x": _x(tick, low, high), "label": f"{tick:.1f}"})
        tick = round(tick + 0.2, 10)
    height = TOP + len(blocks) * ROW + 10
    return {
        "width": WIDTH,
        "height": height,
        "ticks": ticks,
        "bars": bars,
        "zero": _x(0, low, high),
        "tentative": _x(0.667, low, high),
        "reliable": _x(0.8, low, high),
        "label_x": LABEL - 8,
        "n_x": WIDTH - RIGHT + 28,
        "axis_y": TOP - 12,
        "bottom": height - 10,
    }
