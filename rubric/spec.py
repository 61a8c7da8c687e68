"""The rubric data file: parsing, validation and a canonical form.

A rubric file (``rubric/data/*.yaml``) is checked against a JSON schema, then for
cross-references (a question's round, a round's values, the onsite block). The
canonical form is the same whether it comes from a file or from the database,
so "has this content been loaded already?" is a plain comparison."""

import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from keeper.collections import repeated
from keeper.errors import Invalid

# libyaml's loader when the wheel has it: the same safe subset, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TEXT = {"type": "string", "minLength": 1}
_OPT_TEXT = {"type": ["string", "null"]}
_SLUG = {"type": "string", "pattern": "^[a-z0-9]+(?:[-_][a-z0-9]+)*$", "maxLength": 60}
_HOURS = {"type": ["integer", "null"], "minimum": 0, "maximum": 24 * 60}
_MONEY = {"type": ["integer", "null"], "minimum": 0}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["slug", "name", "version", "window_weeks", "values", "rounds", "questions", "levels"],
    "properties": {
        "slug": {**_SLUG, "maxLength": 80},
        "name": {**_TEXT, "maxLength": 200},
        "version": {"type": "integer", "minimum": 1},
        "description": _OPT_TEXT,
        "window_weeks": {
            "type": "object",
            "additionalProperties": False,
            "required": ["min", "max"],
            "properties": {"min": {"type": "integer", "minimum": 1}, "max": {"type": "integer", "minimum": 1}},
        },
        "reads_per_value": {"type": "integer", "minimum": 1, "maximum": 20},
        "keeper_bar": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "strong_mean": {"type": "number", "minimum": 1, "maximum": 4},
                "meets_mean": {"type": "number", "minimum": 1, "maximum": 4},
                "min_keeper_yes_share": {"type": "number", "minimum": 0, "maximum": 1},
                "strong_no_blocks": {"type": "boolean"},
                "blocking_flag_blocks": {"type": "boolean"},
                "evidence_required_for_every_value": {"type": "boolean"},
                "disagreement_points": {"type": "integer", "minimum": 1, "maximum": 3},
                "calibrated": {"type": "boolean"},
            },
        },
        "values": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["slug", "name", "definition", "anchors"],
                "properties": {
                    "slug": _SLUG,
                    "name": {**_TEXT, "maxLength": 100},
                    "definition": _TEXT,
                    "anchors": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["1", "2", "3", "4"],
                        "properties": {point: _TEXT for point in ("1", "2", "3", "4")},
                    },
                },
            },
        },
        "rounds": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["slug", "name", "kind"],
                "properties": {
                    "slug": _SLUG,
                    "name": {**_TEXT, "maxLength": 120},
                    "kind": {"enum": ["interview", "block"]},
                    "duration_minutes": {"type": ["integer", "null"], "minimum": 1, "maximum": 24 * 60},
                    "purpose": _OPT_TEXT,
                    "block": {"anyOf": [_SLUG, {"type": "null"}]},
                    "block_days": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["min", "max"],
                        "properties": {
                            "min": {"type": "integer", "minimum": 1},
                            "max": {"type": "integer", "minimum": 1},
                        },
                    },
                    "values_in_focus": {"type": "array", "items": _SLUG},
                    "decision_round": {"type": "boolean"},
                    "ratings_due_hours": _HOURS,
                    "evidence_due_hours": _HOURS,
                },
            },
        },
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["number", "kind", "round", "prompt"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1, "maximum": 1000},
                    "kind": {"enum": ["behavioral", "design", "technical", "values"]},
                    "round": _SLUG,
                    "prompt": _TEXT,
                    "why": _OPT_TEXT,
                    "guidance": _OPT_TEXT,
                    "values": {"type": "array", "items": _SLUG},
                    "criteria": {"type": "array", "items": {**_TEXT, "maxLength": 300}},
                },
            },
        },
        "failure_modes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["slug", "text", "severity"],
                "properties": {
                    "slug": {**_SLUG, "maxLength": 80},
                    "text": _TEXT,
                    "severity": {"enum": ["blocking", "concern"]},
                },
            },
        },
        "levels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["slug", "title", "hireable"],
                "properties": {
                    "slug": {**_SLUG, "maxLength": 40},
                    "title": {**_TEXT, "maxLength": 100},
                    "comp_min": _MONEY,
                    "comp_max": _MONEY,
                    "comp_label": {"type": ["string", "null"], "maxLength": 100},
                    "hireable": {"type": "boolean"},
                },
            },
        },
    },
}

KEEPER_BAR_DEFAULTS = {
    "strong_mean": "3.50",
    "meets_mean": "3.00",
    "min_keeper_yes_share": "0.50",
    "strong_no_blocks": True,
    "blocking_flag_blocks": True,
    "evidence_required_for_every_value": True,
    "disagreement_points": 2,
    "calibrated": False,
}


def _key_path(parts) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def read_file(path: Path) -> dict[str, Any]:
    """Load and validate a rubric file. Raises Invalid naming every bad key."""
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as error:
        raise Invalid(f"Cannot read {path}: {error.strerror}.", errors={"file": [str(error)]}) from None
    except yaml.YAMLError as error:
        raise Invalid(f"{path} is not valid YAML: {error}", errors={"file": [str(error)]}) from None
    return canonical(raw)


def canonical(raw: Any) -> dict[str, Any]:
    """Validate a parsed rubric and return its canonical form. Raises Invalid naming every problem."""
    if not isinstance(raw, dict):
        raise Invalid("A rubric file must hold a mapping at the top level.", errors={"(top level)": ["not a mapping"]})
    raw = _stringify_anchor_keys(raw)
    errors: dict[str, list[str]] = {}
    for error in sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(raw), key=lambda e: list(e.path)):
        errors.setdefault(_key_path(error.absolute_path), []).append(error.message)
    if errors:
        raise Invalid("The rubric file is not valid.", errors=errors)
    spec = _normalise(raw)
    if problems := _cross_reference_problems(spec):
        raise Invalid("The rubric file is not valid.", errors=problems)
    return spec


def _stringify_anchor_keys(raw: dict[str, Any]) -> dict[str, Any]:
    # YAML reads `1:` as an integer key; the canonical form uses "1".."4".
    values = raw.get("values")
    if isinstance(values, list):
        for value in values:
            if isinstance(value, dict) and isinstance(value.get("anchors"), dict):
                value["anchors"] = {str(k): v for k, v in value["anchors"].items()}
    return raw


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _decimal(value: Any) -> str:
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except InvalidOperation:  # the schema has already checked it is a number
        raise Invalid("Not a number.", errors={"keeper_bar": [f"{value!r} is not a number"]}) from None


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    bar = {**KEEPER_BAR_DEFAULTS, **raw.get("keeper_bar", {})}
    # Value lists follow the rubric's value order, so reordering a list in the file is no change.
    value_order = {v["slug"]: i for i, v in enumerate(raw["values"])}

    def by_value_order(slugs: list[str]) -> list[str]:
        return sorted(slugs, key=lambda slug: value_order.get(slug, len(value_order)))

    for key in ("strong_mean", "meets_mean", "min_keeper_yes_share"):
        bar[key] = _decimal(bar[key])
    return {
        "slug": raw["slug"],
        "name": _text(raw["name"]),
        "version": raw["version"],
        "description": _text(raw.get("description")),
        "window_weeks": {"min": raw["window_weeks"]["min"], "max": raw["window_weeks"]["max"]},
        "reads_per_value": raw.get("reads_per_value", 2),
        "keeper_bar": bar,
        "values": [
            {
                "slug": v["slug"],
                "name": _text(v["name"]),
                "definition": _text(v["definition"]),
                "anchors": {point: _text(v["anchors"][point]) for point in ("1", "2", "3", "4")},
            }
            for v in raw["values"]
        ],
        "rounds": [_normalise_round(r, by_value_order) for r in raw["rounds"]],
        "questions": [
            {
                "number": q["number"],
                "kind": q["kind"],
                "round": q["round"],
                "prompt": _text(q["prompt"]),
                "why": _text(q.get("why")),
                "guidance": _text(q.get("guidance")),
                "values": by_value_order(q.get("values", [])),
                "criteria": [_text(c) for c in q.get("criteria", [])],
            }
            for q in raw["questions"]
        ],
        "failure_modes": [
            {"slug": f["slug"], "text": _text(f["text"]), "severity": f["severity"]}
            for f in raw.get("failure_modes", [])
        ],
        "levels": [
            {
                "slug": lv["slug"],
                "title": _text(lv["title"]),
                "comp_min": lv.get("comp_min"),
                "comp_max": lv.get("comp_max"),
                "comp_label": _text(lv.get("comp_label")),
                "hireable": lv["hireable"],
            }
            for lv in raw["levels"]
        ],
    }


def _normalise_round(r: dict[str, Any], by_value_order) -> dict[str, Any]:
    is_block = r["kind"] == "block"
    days = r.get("block_days") or {}
    return {
        "slug": r["slug"],
        "name": _text(r["name"]),
        "kind": r["kind"],
        "duration_minutes": None if is_block else r.get("duration_minutes"),
        "purpose": _text(r.get("purpose")),
        "block": r.get("block"),
        "block_days": {"min": days.get("min", 1), "max": days.get("max", 2)} if is_block else None,
        "values_in_focus": [] if is_block else by_value_order(r.get("values_in_focus", [])),
        "decision_round": bool(r.get("decision_round", False)),
        "ratings_due_hours": None if is_block else r.get("ratings_due_hours", 1),
        "evidence_due_hours": None if is_block else r.get("evidence_due_hours", 24),
    }


def _cross_reference_problems(spec: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    if spec["window_weeks"]["min"] > spec["window_weeks"]["max"]:
        add("window_weeks", "min must not exceed max")
    bar = spec["keeper_bar"]
    if Decimal(bar["meets_mean"]) > Decimal(bar["strong_mean"]):
        add("keeper_bar.meets_mean", "must not exceed strong_mean")

    for section, key in (
        ("values", "slug"),
        ("rounds", "slug"),
        ("questions", "number"),
        ("failure_modes", "slug"),
        ("levels", "slug"),
    ):
        for twice in repeated([item[key] for item in spec[section]]):
            add(section, f"{key} {twice!r} appears more than once")

    value_slugs = {v["slug"] for v in spec["values"]}
    rounds = {r["slug"]: r for r in spec["rounds"]}
    for i, r in enumerate(spec["rounds"]):
        where = f"rounds[{i}]"
        if r["kind"] == "interview":
            if r["duration_minutes"] is None:
                add(f"{where}.duration_minutes", "an interview round needs a duration")
            if r["block"] is not None:
                block = rounds.get(r["block"])
                if block is None:
                    add(f"{where}.block", f"unknown round {r['block']!r}")
                elif block["kind"] != "block":
                    add(f"{where}.block", f"{r['block']!r} is an interview, not a block")
            hours = (r["ratings_due_hours"], r["evidence_due_hours"])
            if None not in hours and hours[0] > hours[1]:
                add(f"{where}.ratings_due_hours", "ratings cannot be due after the evidence")
        else:
            if r["block"] is not None:
                add(f"{where}.block", "a block cannot sit inside another block")
            if r["block_days"]["min"] > r["block_days"]["max"]:
                add(f"{where}.block_days", "min must not exceed max")
            if r["decision_round"]:
                add(f"{where}.decision_round", "a scheduling block cannot be the decision round")
        for j, slug in enumerate(r["values_in_focus"]):
            if slug not in value_slugs:
                add(f"{where}.values_in_focus[{j}]", f"unknown value {slug!r}")

    if sum(r["decision_round"] for r in spec["rounds"]) > 1:
        add("rounds", "at most one round can be the decision round")

    for i, q in enumerate(spec["questions"]):
        where = f"questions[{i}]"
        target = rounds.get(q["round"])
        if target is None:
            add(f"{where}.round", f"unknown round {q['round']!r}")
        elif target["kind"] != "interview":
            add(f"{where}.round", f"{q['round']!r} is a scheduling block; questions belong to interviews")
        for j, slug in enumerate(q["values"]):
            if slug not in value_slugs:
                add(f"{where}.values[{j}]", f"unknown value {slug!r}")

    for i, lv in enumerate(spec["levels"]):
        if lv["comp_min"] is not None and lv["comp_max"] is not None and lv["comp_min"] > lv["comp_max"]:
            add(f"levels[{i}].comp_max", "must not be below comp_min")
    return problems


def content_digest(spec: dict[str, Any]) -> str:
    """A digest of everything but the version number: equal content, equal digest."""
    content = {key: value for key, value in spec.items() if key != "version"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
