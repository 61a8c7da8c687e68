"""Coverage of a loop's plan (Product §3): which values and questions each assigned
interviewer will assess, reads per value against the rubric's target, and the gaps.
Pure functions over plain data; the caller gathers the rows."""

from dataclasses import dataclass

from rubric.selectors import RubricStructure


@dataclass(frozen=True)
class PlannedRead:
    round_id: int
    interviewer_id: int
    value_slugs: tuple[str, ...]
    question_numbers: tuple[int, ...]


def coverage_compute(structure: RubricStructure, plan: list[PlannedRead]) -> dict:
    """Reads count distinct interviewers: one person in two rounds is one read, not two."""
    readers: dict[str, set[int]] = {v.slug: set() for v in structure.values}
    askers: dict[int, set[int]] = {q.number: set() for q in structure.questions}
    matrix: dict[int, dict[str, list[int]]] = {}
    for read in plan:
        for slug in read.value_slugs:
            readers.setdefault(slug, set()).add(read.interviewer_id)
            matrix.setdefault(read.round_id, {}).setdefault(slug, []).append(read.interviewer_id)
        for number in read.question_numbers:
            askers.setdefault(number, set()).add(read.interviewer_id)

    target = structure.reads_per_value
    warnings = [
        f"{value.name}: {len(readers[value.slug])} of {target} independent reads planned."
        for value in structure.values
        if len(readers[value.slug]) < target
    ]
    unasked = [q for q in structure.questions if not askers[q.number]]
    warnings += [f"Q{q.number} is asked by nobody: {q.prompt}" for q in unasked]
    return {
        "values": {v.slug: {"reads": len(readers[v.slug]), "target": target} for v in structure.values},
        "questions": {str(q.number): sorted(askers[q.number]) for q in structure.questions},
        "matrix": [
            {"round": round_id, "values": {slug: sorted(ids) for slug, ids in by_value.items()}}
            for round_id, by_value in matrix.items()
        ],
        "gaps": {
            "values": [v.slug for v in structure.values if len(readers[v.slug]) < target],
            "questions": [q.number for q in unasked],
        },
        "warnings": warnings,
    }
