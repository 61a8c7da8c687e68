from loops.coverage import PlannedRead, coverage_compute
from loops.services import assignment_create
from rubric.selectors import rubric_structure
from tests.conftest import round_of


def test_an_empty_plan_warns_about_every_value_and_question(rubric):
    coverage = coverage_compute(rubric_structure(rubric), [])

    assert coverage["values"]["courage"] == {"reads": 0, "target": 2}
    assert len(coverage["warnings"]) == 9 + 8
    assert coverage["gaps"]["questions"] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_reads_count_distinct_interviewers_not_rounds(rubric):
    structure = rubric_structure(rubric)
    coding, design = structure.rounds[3], structure.rounds[4]
    plan = [
        PlannedRead(coding.id, interviewer_id=1, value_slugs=("curiosity",), question_numbers=(5,)),
        PlannedRead(design.id, interviewer_id=1, value_slugs=("curiosity",), question_numbers=(2,)),
    ]

    coverage = coverage_compute(structure, plan)

    assert coverage["values"]["curiosity"]["reads"] == 1
    assert "Curiosity: 1 of 2 independent reads planned." in coverage["warnings"]
    assert coverage["questions"]["5"] == [1]


def test_the_loop_detail_shows_the_matrix_and_its_warnings(api, hana, alice, bob, loop):
    assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    assignment_create(round=round_of(loop, "system-design"), interviewer=bob, by=hana)
    api.force_authenticate(hana)

    coverage = api.get(f"/api/v1/loops/{loop.pk}/").json()["coverage"]

    assert coverage["values"]["curiosity"] == {"reads": 2, "target": 2}
    assert coverage["values"]["integrity"] == {"reads": 0, "target": 2}
    assert "Integrity: 0 of 2 independent reads planned." in coverage["warnings"]
    assert any(w.startswith("Q3 is asked by nobody") for w in coverage["warnings"])
    assert not any(w.startswith("Q5 ") for w in coverage["warnings"])
    coding_row = next(row for row in coverage["matrix"] if row["round"] == round_of(loop, "coding").pk)
    assert coding_row["values"]["innovation"] == [alice.pk]


def test_a_skipped_round_does_not_count_towards_coverage(api, hana, alice, loop):
    assignment_create(round=round_of(loop, "recruiter-screen"), interviewer=alice, by=hana)
    api.force_authenticate(hana)
    api.patch(f"/api/v1/rounds/{round_of(loop, 'recruiter-screen').pk}/", {"status": "skipped"})

    coverage = api.get(f"/api/v1/loops/{loop.pk}/").json()["coverage"]

    assert coverage["values"]["passion"]["reads"] == 0
