import pytest
from django.db import transaction

from keeper.errors import Frozen, IllegalMove
from rubric import spec as rubric_spec
from rubric.models import Criterion, Level, Question, Rubric, RubricRound, RubricValue
from rubric.selectors import rubric_default, rubric_to_spec
from rubric.services import rubric_delete_draft, rubric_new_draft, rubric_publish, rubric_retire


def test_a_new_draft_is_a_full_copy_as_the_next_version(rubric):
    draft = rubric_new_draft(rubric=rubric)

    assert (draft.version, draft.status, draft.based_on) == (2, "draft", rubric)
    original, copy = rubric_to_spec(rubric), rubric_to_spec(draft)
    assert rubric_spec.content_digest(original) == rubric_spec.content_digest(copy)
    assert Question.objects.filter(rubric=draft).count() == 8
    assert (
        Criterion.objects.filter(question__rubric=draft).count()
        == Criterion.objects.filter(question__rubric=rubric).count()
    )
    draft_value_ids = set(RubricValue.objects.filter(rubric=draft).values_list("pk", flat=True))
    assert draft_value_ids.isdisjoint(RubricValue.objects.filter(rubric=rubric).values_list("pk", flat=True))


def test_publishing_a_draft_makes_it_the_default_and_retires_the_previous(rubric):
    draft = rubric_new_draft(rubric=rubric)

    rubric_publish(rubric=draft)

    rubric.refresh_from_db()
    draft.refresh_from_db()
    assert (rubric.status, draft.status) == ("retired", "published")
    assert rubric_default() == draft
    assert draft.published_at is not None and rubric.retired_at is not None


def test_publishing_twice_is_an_illegal_move(rubric):
    with pytest.raises(IllegalMove) as refused:
        rubric_publish(rubric=rubric)

    assert refused.value.extra["status"] == "published"


def test_a_retired_version_cannot_come_back(rubric):
    rubric_retire(rubric=rubric)

    with pytest.raises(IllegalMove):
        rubric_publish(rubric=rubric)
    with pytest.raises(IllegalMove):
        rubric_retire(rubric=rubric)


def test_a_published_rubric_refuses_direct_model_saves(rubric):
    rubric.name = "Edited in place"

    with pytest.raises(Frozen), transaction.atomic():
        rubric.save()

    assert Rubric.objects.get(pk=rubric.pk).name == "Netflix Software Engineer"


@pytest.mark.parametrize("model", [RubricValue, RubricRound, Question, Level])
def test_parts_of_a_published_rubric_refuse_saves_and_deletes(rubric, model):
    part = model.objects.filter(rubric=rubric).first()

    with pytest.raises(Frozen), transaction.atomic():
        part.save()
    with pytest.raises(Frozen), transaction.atomic():
        part.delete()
    original_pk = part.pk
    part.pk = None
    for unique_field, fresh in (("slug", "extra"), ("number", 99), ("order", 99)):
        if hasattr(part, unique_field):
            setattr(part, unique_field, fresh)
    with pytest.raises(Frozen), transaction.atomic():
        part.save()

    assert model.objects.filter(pk=original_pk).exists()


def test_a_criterion_of_a_published_rubric_refuses_edits(rubric):
    criterion = Criterion.objects.filter(question__rubric=rubric).first()
    criterion.text = "Changed"

    with pytest.raises(Frozen), transaction.atomic():
        criterion.save()

    assert Criterion.objects.get(pk=criterion.pk).text != "Changed"


def test_many_to_many_links_of_a_published_rubric_are_frozen(rubric):
    coding = rubric.rounds.get(slug="coding")
    integrity = rubric.values.get(slug="integrity")

    with pytest.raises(Frozen), transaction.atomic():
        coding.values_in_focus.add(integrity)
    with pytest.raises(Frozen), transaction.atomic():
        rubric.questions.get(number=1).values.clear()

    assert not coding.values_in_focus.filter(pk=integrity.pk).exists()


def test_a_draft_can_be_edited_and_deleted(rubric):
    draft = rubric_new_draft(rubric=rubric)
    value = draft.values.get(slug="courage")

    value.definition = "Says the hard thing."
    value.save()
    draft.rounds.get(slug="coding").values_in_focus.add(value)

    assert RubricValue.objects.get(pk=value.pk).definition == "Says the hard thing."
    rubric_delete_draft(rubric=draft)
    assert not Rubric.objects.filter(pk=draft.pk).exists()


def test_a_published_rubric_cannot_be_deleted_through_the_service(rubric):
    with pytest.raises(Frozen):
        rubric_delete_draft(rubric=rubric)

    assert Rubric.objects.filter(pk=rubric.pk).exists()
