"""The Greenhouse-shaped export (Product §8.3): a loop's submitted scorecards as Greenhouse
Harvest scorecard objects, held to a JSON Schema written from Harvest's documentation and kept
in the repository; only the cards the caller may read, never a draft."""

import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from integrations.greenhouse import RATING, RECOMMENDATION
from rubric.models import Criterion, FailureMode
from scorecards.models import Exposure
from scorecards.services import ScorecardContent, scorecard_save_draft, scorecard_submit
from tests.conftest import assign, at, round_of, submit_complete, walk_to_onsite

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "integrations" / "schemas" / "greenhouse-harvest-scorecard.schema.json"
)
SCHEMA = json.loads(SCHEMA_PATH.read_text())
URL = "/api/v1/exports/greenhouse/scorecards/"


def valid(rows: list[dict]) -> list[dict]:
    """Each row against the schema, and every timestamp an ISO 8601 time with an offset."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for row in rows:
        errors = sorted(validator.iter_errors(row), key=lambda e: list(e.path))
        assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
        for key in ("created_at", "updated_at", "submitted_at", "interviewed_at"):
            if row[key] is not None:
                assert datetime.fromisoformat(row[key]).tzinfo is not None
    return rows


@pytest.fixture
def alices_card(loop, alice, hana, rubric):
    """Alice's coding card: values rated 1, 4 and not assessed, a criterion rated 2 with notes,
    a red flag, a strong no and a written summary; submitted after the interview."""
    from loops.services import round_schedule

    walk_to_onsite(loop, hana)
    round_schedule(round=round_of(loop, "coding"), start=at(3, hour=11), end=None, by=hana)
    card = assign(loop, "coding", alice)
    card.refresh_from_db()
    values = [v.slug for v in card.assignment.values_in_focus.order_by("order")]
    criteria = list(Criterion.objects.filter(question__in=card.assignment.questions.all()).order_by("pk"))
    flag = FailureMode.objects.filter(rubric=rubric).order_by("order").first()
    content = {
        "value_ratings": [
            {"value": values[0], "rating": 1, "evidence": "Could not explain the trade-off."},
            {"value": values[1], "rating": 4, "evidence": "Asked sharp questions about the data."},
            {"value": values[2], "rating": None, "evidence": ""},
        ],
        "criterion_ratings": [{"criterion": criteria[0].pk, "rating": 2, "notes": "Missed the edge cases."}],
        "red_flags": [{"failure_mode": flag.pk, "note": "Blamed the previous team."}],
        "recommendation": "strong_no",
        "keeper": "no",
        "summary": "Not ready for this level.",
    }
    scorecard_save_draft(
        scorecard=card, author=alice, version=card.version, content=ScorecardContent.from_input(content)
    )
    card.refresh_from_db()
    scorecard_submit(scorecard=card, by=alice)
    card.refresh_from_db()
    return card


def test_a_submitted_card_is_exported_in_harvests_shape(api, hana, loop, alices_card, alice):
    api.force_authenticate(hana)

    response = api.get(URL, {"loop": loop.pk})

    assert response.status_code == 200
    (row,) = valid(response.json())
    values = list(alices_card.assignment.values_in_focus.order_by("order"))
    criterion = Criterion.objects.filter(question__in=alices_card.assignment.questions.all()).order_by("pk").first()
    assert row["id"] == alices_card.pk
    assert (row["candidate_id"], row["application_id"]) == (loop.candidate_id, loop.pk)
    assert row["interview"] == row["interview_step"]["name"] == "Coding"
    assert row["interview_step"]["id"] == alices_card.round_id
    assert datetime.fromisoformat(row["interviewed_at"]) == round_of(loop, "coding").scheduled_start
    assert (
        row["interviewer"]
        == row["submitted_by"]
        == {
            "id": alice.pk,
            "first_name": "Alice",
            "last_name": "Ng",
            "name": "Alice Ng",
            "employee_id": None,
        }
    )
    assert row["overall_recommendation"] == "definitely_not"
    assert row["attributes"] == [
        {
            "name": values[0].name,
            "type": "Personality Traits",
            "note": "Could not explain the trade-off.",
            "rating": "definitely_not",
        },
        {
            "name": values[1].name,
            "type": "Personality Traits",
            "note": "Asked sharp questions about the data.",
            "rating": "strong_yes",
        },
        {"name": values[2].name, "type": "Personality Traits", "note": None, "rating": "no_decision"},
        {"name": criterion.text, "type": "Skills", "note": "Missed the edge cases.", "rating": "no"},
    ]
    assert row["ratings"] == {
        "definitely_not": [values[0].name],
        "no": [criterion.text],
        "mixed": [],
        "yes": [],
        "strong_yes": [values[1].name],
    }
    asked = {q["id"]: q for q in row["questions"] if q["id"] is not None}
    assert asked[criterion.question_id]["answer"] == f"{criterion.text}: no — Missed the edge cases."
    assert asked[criterion.question_id]["question"] == criterion.question.prompt
    built_in = {q["question"]: q["answer"] for q in row["questions"] if q["id"] is None}
    assert built_in["Key Take-Aways"] == "Not ready for this level."
    assert built_in["Would you fight to keep this person?"] == "No"
    assert built_in["Red flags"].endswith("— Blamed the previous team.")


def test_the_mappings_are_the_products():
    """Product §8.3: strong_no → definitely_not, no → no, yes → yes, strong_yes → strong_yes."""
    assert RECOMMENDATION == {"strong_no": "definitely_not", "no": "no", "yes": "yes", "strong_yes": "strong_yes"}
    assert RATING == {1: "definitely_not", 2: "no", 3: "yes", 4: "strong_yes", None: "no_decision"}


@pytest.mark.parametrize(
    ("recommendation", "expected"),
    [("strong_no", "definitely_not"), ("no", "no"), ("yes", "yes"), ("strong_yes", "strong_yes")],
)
def test_every_recommendation_maps_to_harvests_word(api, hana, loop, alice, recommendation, expected):
    submit_complete(assign(loop, "coding", alice), recommendation=recommendation, rating=3)
    api.force_authenticate(hana)

    (row,) = valid(api.get(URL, {"loop": loop.pk}).json())

    assert row["overall_recommendation"] == expected
    assert {a["rating"] for a in row["attributes"]} == {"yes"}


def test_drafts_are_never_exported_and_colleagues_wait_for_their_own_card(api, loop, alice, bob, hana, eve):
    submit_complete(assign(loop, "system-design", bob))
    alices_draft = assign(loop, "coding", alice)

    def exported(user):
        api.force_authenticate(user)
        return api.get(URL, {"loop": loop.pk})

    before = exported(alice)
    led = exported(hana)
    submit_complete(alices_draft)
    after = exported(alice)
    outsider = exported(eve)

    assert before.status_code == 200 and before.json() == []  # her draft is not exported; bob's waits for hers
    assert [row["id"] for row in valid(led.json())] == [bob.scorecards.get().pk]
    assert sorted(row["id"] for row in valid(after.json())) == sorted([bob.scorecards.get().pk, alices_draft.pk])
    assert outsider.status_code == 404


def test_reading_a_colleagues_card_in_the_export_is_recorded_as_exposure(api, loop, alice, bob):
    submit_complete(assign(loop, "system-design", bob))
    submit_complete(assign(loop, "coding", alice))
    api.force_authenticate(alice)

    api.get(URL, {"loop": loop.pk})

    assert Exposure.objects.filter(user=alice, loop=loop, kind="scorecard").exists()


@pytest.mark.parametrize("query", [{}, {"loop": ""}, {"loop": "abc"}, {"loop": "0"}, {"loop": "1.5"}])
def test_a_missing_or_malformed_loop_is_a_400_naming_it(api, hana, query):
    api.force_authenticate(hana)

    response = api.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == ["loop"]


def test_an_unknown_loop_is_a_404_and_nobody_signed_out_reads_any(api, hana, loop):
    api.force_authenticate(hana)
    missing = api.get(URL, {"loop": 999_999})
    api.force_authenticate(None)
    signed_out = api.get(URL, {"loop": loop.pk})

    assert missing.status_code == 404
    assert signed_out.status_code == 401


def test_the_export_costs_the_same_for_few_or_many_cards(
    api, loop, hana, alice, bob, dora, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit_complete(assign(loop, "coding", alice))
    api.force_authenticate(hana)
    with CaptureQueriesContext(connection) as few:
        api.get(URL, {"loop": loop.pk})
    for person, slug in ((bob, "system-design"), (hana, "hiring-manager-screen"), (dora, "behavioral")):
        submit_complete(assign(loop, slug, person))

    with django_assert_max_num_queries(len(few)):
        response = api.get(URL, {"loop": loop.pk})

    assert len(response.json()) == 4
    assert len(few) <= 12


def test_export_greenhouse_writes_the_same_file_twice(loop, alices_card, bob, tmp_path, capsys):
    submit_complete(assign(loop, "system-design", bob))
    assign(loop, "behavioral", bob)  # a draft: never exported
    output = tmp_path / "scorecards.json"

    call_command("export_greenhouse", "--loop", str(loop.pk), "--output", str(output))
    first = output.read_text()
    call_command("export_greenhouse", "--loop", str(loop.pk), "--output", str(output))
    second = output.read_text()
    call_command("export_greenhouse", "--loop", str(loop.pk))
    printed = capsys.readouterr()

    rows = valid(json.loads(first))
    assert first == second
    assert json.loads(printed.out) == rows
    assert [row["interview"] for row in rows] == ["Coding", "System design"]
    assert printed.err.count(f"2 scorecard(s) of loop #{loop.pk} exported to {output}.") == 2


def test_export_greenhouse_refuses_an_unknown_loop(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No loop #424242"):
        call_command("export_greenhouse", "--loop", "424242")
