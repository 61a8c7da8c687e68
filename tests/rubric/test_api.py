import pytest

from rubric.services import rubric_new_draft

ROUND_KEYS = {
    "id",
    "order",
    "slug",
    "name",
    "kind",
    "duration_minutes",
    "purpose",
    "block",
    "values_in_focus",
    "questions",
}
QUESTION_KEYS = {"id", "number", "kind", "prompt", "why", "guidance", "values", "round", "criteria"}


def test_rubric_detail_has_the_contract_shape(api, alice, rubric):
    api.force_authenticate(alice)

    response = api.get(f"/api/v1/rubrics/{rubric.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert {
        "id",
        "name",
        "slug",
        "version",
        "status",
        "window_weeks",
        "reads_per_value",
        "keeper_bar",
        "values",
        "rounds",
        "questions",
        "failure_modes",
        "levels",
    } <= body.keys()
    assert body["window_weeks"] == {"min": 6, "max": 10}
    assert body["keeper_bar"]["strong_mean"] == 3.5
    assert body["values"][0]["slug"] == "judgment"
    assert set(body["values"][0]["anchors"]) == {"1", "2", "3", "4"}
    rounds = {r["slug"]: r for r in body["rounds"]}
    assert all(ROUND_KEYS <= r.keys() for r in body["rounds"])
    assert rounds["onsite"]["kind"] == "block" and rounds["onsite"]["block"] is None
    assert rounds["coding"]["block"] == "onsite"
    assert rounds["coding"]["questions"] == [5]
    assert rounds["system-design"]["questions"] == [2, 4]
    questions = {q["number"]: q for q in body["questions"]}
    assert all(QUESTION_KEYS <= q.keys() for q in body["questions"])
    assert questions[1]["values"] == ["judgment", "courage"]
    assert questions[1]["round"] == "hiring-manager-screen"
    assert {"id", "text"} == set(questions[1]["criteria"][0])
    assert {"id", "text", "severity"} <= set(body["failure_modes"][0])
    levels = {lv["slug"]: lv for lv in body["levels"]}
    assert levels["senior"] | {} == levels["senior"]
    assert {"slug", "title", "comp_min", "comp_max", "hireable"} <= levels["staff"].keys()
    assert levels["staff"]["comp_max"] is None and levels["junior"]["hireable"] is False


def test_rubric_list_is_for_signed_in_users_only(api, rubric):
    assert api.get("/api/v1/rubrics/").status_code == 401


def test_drafts_are_hidden_from_everyone_but_admins(api, alice, ada, rubric):
    draft = rubric_new_draft(rubric=rubric)

    api.force_authenticate(alice)
    assert api.get(f"/api/v1/rubrics/{draft.pk}/").status_code == 404
    assert [r["id"] for r in api.get("/api/v1/rubrics/").json()] == [rubric.pk]
    api.force_authenticate(ada)
    assert api.get(f"/api/v1/rubrics/{draft.pk}/").status_code == 200


def test_the_rubric_api_is_read_only(api, ada, rubric):
    api.force_authenticate(ada)

    assert api.patch(f"/api/v1/rubrics/{rubric.pk}/", {"name": "x"}).status_code == 405
    assert api.delete(f"/api/v1/rubrics/{rubric.pk}/").status_code == 405


@pytest.mark.parametrize("versions", [1, 4])
def test_the_rubric_list_query_count_does_not_grow_with_versions(
    api, ada, rubric, versions, django_assert_max_num_queries
):
    for _ in range(versions - 1):
        rubric_new_draft(rubric=rubric)
    api.force_authenticate(ada)

    with django_assert_max_num_queries(14):
        response = api.get("/api/v1/rubrics/")

    assert len(response.json()) == versions


def test_the_openapi_schema_and_offline_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/rubrics/{id}/" in schema.content
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_the_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))

    assert "/api/v1/loops/{id}/hold/" in target.read_text()
