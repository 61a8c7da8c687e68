import pytest

from rubric.models import Rubric, RubricValue
from rubric.services import rubric_new_draft


@pytest.fixture
def admin_client(client, ada):
    client.force_login(ada)
    return client


def _change_form(admin_client, rubric):
    return admin_client.get(f"/admin/rubric/rubric/{rubric.pk}/change/")


def test_a_draft_is_editable_on_one_page_with_nested_questions_and_criteria(admin_client, rubric):
    draft = rubric_new_draft(rubric=rubric)

    response = _change_form(admin_client, draft)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' in body
    assert "Criteria" in body and "questions-0-criteria-0-text" in body
    assert "values-0-anchor_4" in body


def test_a_published_version_is_read_only_in_the_admin(admin_client, rubric):
    response = _change_form(admin_client, rubric)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in body
    assert 'name="name"' not in body


def test_posting_a_change_to_a_published_version_is_refused(admin_client, rubric):
    response = admin_client.post(f"/admin/rubric/rubric/{rubric.pk}/change/", {"name": "Hacked"})

    assert response.status_code == 403
    assert Rubric.objects.get(pk=rubric.pk).name == "Netflix Software Engineer"


def test_the_bulk_delete_action_spares_published_versions(admin_client, rubric):
    draft = rubric_new_draft(rubric=rubric)

    admin_client.post(
        "/admin/rubric/rubric/",
        {"action": "delete_selected", "_selected_action": [rubric.pk, draft.pk], "post": "yes"},
    )

    assert Rubric.objects.filter(pk=rubric.pk).exists()


def test_admin_actions_create_a_draft_and_publish_it(admin_client, rubric):
    admin_client.post("/admin/rubric/rubric/", {"action": "new_draft_version", "_selected_action": [rubric.pk]})
    draft = Rubric.objects.get(version=2)

    admin_client.post("/admin/rubric/rubric/", {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    rubric.refresh_from_db()
    assert (draft.status, rubric.status) == ("published", "retired")


def test_editing_a_draft_value_through_the_admin_saves_it(admin_client, rubric):
    draft = rubric_new_draft(rubric=rubric)
    form = _change_form(admin_client, draft).context["adminform"].form
    formsets = _change_form(admin_client, draft).context["inline_admin_formsets"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        window_min_weeks=6,
        window_max_weeks=10,
        reads_per_value=2,
        bar_strong_mean="3.50",
        bar_meets_mean="3.00",
        bar_min_keeper_yes_share="0.50",
        disagreement_points=2,
        bar_strong_no_blocks="on",
        bar_blocking_flag_blocks="on",
        bar_evidence_required_for_every_value="on",
    )
    for inline in formsets:
        data.update(_formset_data(inline.formset))
    prefix = next(i.formset.prefix for i in formsets if i.formset.model is RubricValue)
    data[f"{prefix}-0-definition"] = "Edited through the admin."

    response = admin_client.post(f"/admin/rubric/rubric/{draft.pk}/change/", data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    assert draft.values.get(order=1).definition == "Edited through the admin."


def _formset_data(formset) -> dict:
    data = {}
    for key, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{key}"] = value
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[f"{form.prefix}-{name}"] = [getattr(v, "pk", v) for v in value]
            elif hasattr(value, "pk"):
                data[f"{form.prefix}-{name}"] = value.pk
            elif isinstance(value, bool):
                if value:
                    data[f"{form.prefix}-{name}"] = "on"
            else:
                data[f"{form.prefix}-{name}"] = value
        if hasattr(form, "nested_formsets"):
            for nested in form.nested_formsets:
                data.update(_formset_data(nested))
    return data
