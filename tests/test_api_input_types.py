"""What the OpenAPI schema says a request takes is what the API takes (issue #10, found by the
schema fuzzer): a JSON value of the wrong type, or an empty query filter, is a 400 naming
every field, where DRF alone would quietly convert it or drop the filter."""

import pytest

from tests.conftest import assign


def test_json_values_must_have_their_schema_type(api, loop, alice):
    card = assign(loop, "coding", alice)
    api.force_authenticate(alice)
    body = {
        "version": "1",
        "summary": 5,
        "value_ratings": [{"value": "curiosity", "rating": "3", "evidence": "fine"}, {"value": 7, "rating": 2}],
    }

    response = api.patch(f"/api/v1/scorecards/{card.pk}/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "version": ["Must be a whole number."],
        "summary": ["Must be a string."],
        "value_ratings": [{"rating": ["Must be a whole number."]}, {"value": ["Must be a string."]}],
    }
    card.refresh_from_db()
    assert card.version == 1


def test_a_type_problem_is_named_with_every_other_problem(api, hana, rubric):
    api.force_authenticate(hana)

    response = api.post("/api/v1/loops/", {"candidate": "one", "started_on": 20260101}, format="json")

    assert response.status_code == 400
    assert response.json()["started_on"] == ["Must be a string."]
    assert set(response.json()) == {"candidate", "hiring_manager", "started_on"}


def test_booleans_and_objects_are_not_taken_for_strings(api, dora, loop):
    api.force_authenticate(dora)

    response = api.post(
        f"/api/v1/loops/{loop.pk}/decision/",
        {"decision": True, "rationale": ["a list"], "answers": {"code": 1}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "decision": ["Must be a string."],
        "rationale": ["Must be a string."],
        "answers": {"code": ["Must be a string."]},
    }


@pytest.mark.parametrize(
    ("url", "name"),
    [("/api/v1/scorecards/?status=", "status"), ("/api/v1/loops/?status=", "status"), ("/api/v1/users/?role=", "role")],
)
def test_an_empty_query_filter_is_refused_not_ignored(api, hana, url, name):
    api.force_authenticate(hana)

    response = api.get(url)

    assert response.status_code == 400
    assert response.json() == {name: ["Give a value, or leave the parameter out."]}
