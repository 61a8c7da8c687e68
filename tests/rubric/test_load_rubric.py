from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from rubric.models import Criterion, FailureMode, Level, Question, Rubric, RubricRound, RubricValue
from tests.conftest import NETFLIX_RUBRIC

RUBRIC_TABLES = (Rubric, RubricValue, RubricRound, Question, Criterion, FailureMode, Level)


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in RUBRIC_TABLES}


def write_variant(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(NETFLIX_RUBRIC.read_text())
    change(data)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load(path: Path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_rubric", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loading_the_netflix_file_creates_the_whole_rubric():
    output = load(NETFLIX_RUBRIC, "--publish")

    assert "created, published" in output
    rubric = Rubric.objects.get(slug="netflix-swe")
    assert rubric.status == Rubric.Status.PUBLISHED
    assert (rubric.window_min_weeks, rubric.window_max_weeks) == (6, 10)
    assert [v.slug for v in rubric.values.all()] == [
        "judgment",
        "selflessness",
        "courage",
        "curiosity",
        "innovation",
        "inclusion",
        "integrity",
        "passion",
        "communication",
    ]
    assert all(len(set(v.anchors.values())) == 4 for v in rubric.values.all())
    rounds = list(rubric.rounds.all())
    assert [(r.slug, r.duration_minutes) for r in rounds] == [
        ("recruiter-screen", 30),
        ("hiring-manager-screen", 60),
        ("onsite", None),
        ("coding", 60),
        ("system-design", 60),
        ("behavioral", 60),
        ("director-final", 45),
    ]
    onsite = rubric.rounds.get(slug="onsite")
    assert onsite.kind == "block"
    assert (onsite.block_min_days, onsite.block_max_days) == (1, 2)
    assert sorted(r.slug for r in onsite.interviews.all()) == [
        "behavioral",
        "coding",
        "director-final",
        "system-design",
    ]
    assert rubric.rounds.get(slug="behavioral").values_in_focus.count() == 9


@pytest.mark.django_db
def test_questions_carry_their_criteria_and_the_values_the_guide_states():
    load(NETFLIX_RUBRIC)
    rubric = Rubric.objects.get()

    questions = {q.number: q for q in rubric.questions.all()}
    assert sorted(questions) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert {v.slug for v in questions[1].values.all()} == {"judgment", "courage"}
    assert {v.slug for v in questions[3].values.all()} == {"courage"}
    assert [c.text for c in questions[1].criteria.all()] == [
        "End-to-end ownership",
        "Ability to defend architectural decisions",
        "Measurable impact",
    ]
    assert all(q.criteria.count() >= 2 for q in questions.values())
    assert all(q.round.kind == "interview" for q in questions.values())


@pytest.mark.django_db
def test_levels_refuse_entry_and_junior_and_carry_the_bands():
    load(NETFLIX_RUBRIC)

    levels = {lv.slug: lv for lv in Level.objects.all()}
    assert not levels["entry"].hireable and not levels["junior"].hireable
    assert (levels["senior"].comp_min, levels["senior"].comp_max, levels["senior"].hireable) == (400_000, 500_000, True)
    assert (levels["staff"].comp_min, levels["staff"].comp_max) == (600_000, None)
    assert levels["principal"].hireable
    assert {f.severity for f in FailureMode.objects.all()} == {"blocking", "concern"}
    assert FailureMode.objects.count() == 5


@pytest.mark.django_db
def test_a_second_load_changes_nothing():
    load(NETFLIX_RUBRIC, "--publish")
    before = table_counts()
    first = Rubric.objects.get()

    output = load(NETFLIX_RUBRIC, "--publish")

    assert "unchanged" in output
    assert table_counts() == before
    assert Rubric.objects.get().pk == first.pk


@pytest.mark.django_db
def test_a_reordered_value_list_is_not_a_change(tmp_path):
    load(NETFLIX_RUBRIC, "--publish")
    path = write_variant(tmp_path, lambda d: d["rounds"][0]["values_in_focus"].reverse())

    assert "unchanged" in load(path)
    assert Rubric.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_file_for_a_published_version_becomes_a_new_draft(tmp_path):
    load(NETFLIX_RUBRIC, "--publish")
    published = Rubric.objects.get()
    path = write_variant(tmp_path, lambda d: d["values"][0].update(definition="A sharper definition."))

    output = load(path)
    again = load(path)

    assert "new draft version" in output
    assert "unchanged" in again
    published.refresh_from_db()
    assert published.status == "published"
    assert published.values.get(slug="judgment").definition != "A sharper definition."
    draft = Rubric.objects.get(version=2)
    assert draft.status == "draft" and draft.based_on == published
    assert draft.values.get(slug="judgment").definition == "A sharper definition."


@pytest.mark.django_db
def test_a_changed_file_for_a_draft_version_replaces_that_draft_in_place(tmp_path):
    load(NETFLIX_RUBRIC)
    draft = Rubric.objects.get()
    path = write_variant(tmp_path, lambda d: d["questions"][0]["criteria"].append("Clear written record"))

    output = load(path)

    assert "updated draft" in output
    assert Rubric.objects.get().pk == draft.pk
    assert Criterion.objects.filter(question__number=1).count() == 4


BAD_FILES = [
    (lambda d: d["rounds"][0]["values_in_focus"].append("bravery"), "rounds[0].values_in_focus[3]", "bravery"),
    (lambda d: d["questions"][1].update(round="lunch"), "questions[1].round", "lunch"),
    (lambda d: d["questions"][2].update(round="onsite"), "questions[2].round", "block"),
    (lambda d: d["values"][0]["anchors"].pop(4), "values[0].anchors", "'4' is a required property"),
    (lambda d: d["rounds"][1].update(duration_minutes="an hour"), "rounds[1].duration_minutes", "not of type"),
    (lambda d: d["levels"][2].update(comp_min=900_000), "levels[2].comp_max", "below comp_min"),
    (lambda d: d.update(window_weeks={"min": 12, "max": 10}), "window_weeks", "min must not exceed max"),
    (lambda d: d["failure_modes"][0].update(severity="fatal"), "failure_modes[0].severity", "fatal"),
    (lambda d: d.pop("levels"), "(top level)", "'levels' is a required property"),
    (lambda d: d["values"].append(dict(d["values"][0])), "values", "appears more than once"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "key", "message"), BAD_FILES)
def test_a_bad_file_names_the_key_and_writes_nothing(tmp_path, change, key, message):
    path = write_variant(tmp_path, change)

    with pytest.raises(CommandError) as refused:
        load(path)

    assert f"{key}:" in str(refused.value)
    assert message in str(refused.value)
    assert all(count == 0 for count in table_counts().values())


@pytest.mark.django_db
def test_a_bad_file_leaves_an_existing_rubric_untouched(tmp_path):
    load(NETFLIX_RUBRIC)
    before = table_counts()
    path = write_variant(tmp_path, lambda d: d["questions"][0]["values"].append("bravery"))

    with pytest.raises(CommandError):
        load(path)

    assert table_counts() == before


@pytest.mark.django_db
def test_unparseable_yaml_and_a_missing_file_are_refused(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("slug: [unclosed\n")

    with pytest.raises(CommandError, match="not valid YAML"):
        load(broken)
    with pytest.raises(CommandError, match="Cannot read"):
        load(tmp_path / "absent.yaml")
    assert Rubric.objects.count() == 0
