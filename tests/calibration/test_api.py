"""GET /api/v1/calibration/?rubric=ID and its CSV (Product §7.1, §8.1): the stored report for
directors and admins; everyone else is turned away before anything is looked up."""

import csv
import io

import pytest

from rubric.services import rubric_new_draft

pytestmark = pytest.mark.django_db

SHAPE = {
    "rubric",
    "computed_at",
    "loops",
    "scorecards",
    "reliability",
    "interviewers",
    "g_study",
    "questions",
}


def test_a_director_reads_the_report_in_the_shape_of_the_product(api, dora, calibrated, rubric, alice):
    api.force_authenticate(dora)

    response = api.get("/api/v1/calibration/", {"rubric": rubric.pk})

    assert response.status_code == 200
    body = response.json()
    assert SHAPE <= set(body)
    assert body["rubric"] == rubric.pk
    assert body["computed_at"] == calibrated.computed_at.isoformat()
    assert {"alpha", "ci95", "reading"} <= set(body["reliability"])
    row = next(r for r in body["interviewers"] if r["interviewer"] == alice.pk)
    assert {"interviewer", "name", "ratings", "leniency", "by_value"} <= set(row)
    assert {"raw", "shrunk", "ci90"} <= set(row["leniency"])
    assert {"raw", "shrunk", "ratings"} <= set(row["by_value"]["innovation"])
    assert set(body["g_study"]["variance"]) == {"candidate", "interviewer", "value", "residual"}
    assert "reads_for_g80" in body["g_study"]
    question = body["questions"][0]
    assert {"number", "asked", "flags", "criteria"} <= set(question)
    assert {"id", "mean", "item_rest"} <= set(question["criteria"][0])


def test_an_admin_reads_it_too_and_the_evidence_is_never_in_it(api, ada, calibrated, rubric):
    api.force_authenticate(ada)

    response = api.get("/api/v1/calibration/", {"rubric": rubric.pk})
    exported = api.get("/api/v1/calibration.csv", {"rubric": rubric.pk})

    assert response.status_code == exported.status_code == 200
    assert b"evidence_" not in response.content
    assert b"evidence_" not in exported.content


@pytest.mark.parametrize("who", ["alice", "hana", "rick", "eve"])
def test_nobody_else_reads_anyones_leniency(api, calibrated, rubric, who, request):
    api.force_authenticate(request.getfixturevalue(who))

    for path in ("/api/v1/calibration/", "/api/v1/calibration.csv"):
        response = api.get(path, {"rubric": rubric.pk})
        missing = api.get(path, {"rubric": 999999})

        assert response.status_code == missing.status_code == 403
        assert b"Ng" not in response.content  # no interviewer's name


def test_signed_out_is_401(api, calibrated, rubric):
    assert api.get("/api/v1/calibration/", {"rubric": rubric.pk}).status_code == 401


def test_bad_rubric_ids_are_a_400_naming_the_parameter(api, dora, rubric):
    api.force_authenticate(dora)

    for query in ({}, {"rubric": ""}, {"rubric": "abc"}, {"rubric": "0"}, {"rubric": str(2**63)}):
        response = api.get("/api/v1/calibration/", query)

        assert response.status_code == 400, query
        assert "rubric" in response.json()


def test_a_version_the_reader_may_not_see_is_like_a_missing_one(api, dora, ada, rubric):
    draft = rubric_new_draft(rubric=rubric)
    api.force_authenticate(dora)

    hidden = api.get("/api/v1/calibration/", {"rubric": draft.pk})
    missing = api.get("/api/v1/calibration/", {"rubric": 999999})
    api.force_authenticate(ada)
    admin = api.get("/api/v1/calibration/", {"rubric": draft.pk})

    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content) == (404, missing.content)
    assert admin.status_code == 200


def test_before_the_first_recompute_every_key_is_there_and_nothing_is_measured(api, dora, rubric):
    api.force_authenticate(dora)

    body = api.get("/api/v1/calibration/", {"rubric": rubric.pk}).json()

    assert SHAPE <= set(body)
    assert body["computed_at"] is None
    assert body["interviewers"] == []
    assert body["reliability"]["alpha"] is None
    assert body["g_study"]["reads_for_g80"] is None
    assert [q["number"] for q in body["questions"]] == list(range(1, 9))
    assert all(q["asked"] == 0 for q in body["questions"])


def test_the_csv_has_one_table_with_every_part(api, dora, calibrated, rubric):
    api.force_authenticate(dora)

    response = api.get("/api/v1/calibration.csv", {"rubric": rubric.pk})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="calibration-rubric-{rubric.pk}.csv"'
    assert {row["section"] for row in rows} == {"leniency", "reliability", "g_study", "question", "criterion"}
    alice = next(r for r in rows if r["section"] == "leniency" and r["name"] == "Alice Ng" and r["value"] == "all")
    assert float(alice["estimate"]) > 0
    assert float(alice["low"]) <= float(alice["estimate"]) <= float(alice["high"])


def test_a_read_costs_a_fixed_number_of_queries(api, dora, calibrated, rubric, django_assert_max_num_queries):
    api.force_authenticate(dora)

    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/calibration/", {"rubric": rubric.pk})

    assert response.status_code == 200
