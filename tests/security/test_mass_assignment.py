"""No client sets what the server owns (Product §4, §7): every write endpoint is called twice
at the same frozen moment, once with a valid body and once with the same body plus a forged value
for every server-owned field, and the whole database afterwards, and the answer, must be the same.

Server-owned fields are found, not listed: the fields of the rows an endpoint writes and of
the shape it answers with, minus the fields its input serializer takes. The OpenAPI schema
must mark each of them readOnly in the answer and leave it out of the request body."""

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from loops.models import Loop, Round
from scorecards.models import Scorecard
from tests.security.world import CANARY_PATTERN, World, rolled_back
from tests.security.writes import WRITES, Write

pytestmark = pytest.mark.django_db

SNAPSHOT_APPS = ("auth", "authtoken", "rubric", "loops", "scorecards", "integrations")


def server_owned(write: Write) -> set[str]:
    """Every field of the rows it writes and of its answer that its input does not take."""
    written = {f.name for model in write.writes for f in model._meta.concrete_fields}
    written |= {f.attname for model in write.writes for f in model._meta.concrete_fields}
    return (written | set(write.answers().fields)) - set(write.accepts().fields)


def forged_value(name: str, world: World, write: Write) -> Any:
    """A plausible value that would show if the server used it: a valid choice it did not make,
    another loop's objects, other people."""
    for model in write.writes:
        field = next((f for f in model._meta.concrete_fields if name in (f.name, f.attname)), None)
        if field is not None and field.choices:
            return field.choices[-1][0]
    foreign = world.card("zed", "c")
    by_name = {
        "id": 999_999,
        "pk": 999_999,
        "loop": foreign.loop_id,
        "round": foreign.round_id,
        "interviewer": world.users["bob"].pk,
        "author": world.users["bob"].pk,
        "by": world.users["bob"].pk,
        "created_by": world.users["bob"].pk,
        "hiring_manager": world.users["hank"].pk,
        "recruiter": None,
        "candidate": world.loops["c"].candidate_id,
        "rubric": world.draft_rubric.pk,
        "assignment": foreign.assignment_id,
        "scorecard": foreign.pk,
        "current_revision": foreign.current_revision_id,
        "current_round": foreign.round_id,
        "block": foreign.round_id,
        "status": "submitted",
        "version": 987,
        "number": 987,
        "order": 987,
        "is_after_exposure": True,
        "overdue": True,
        "summary_snapshot": {"forged": True},
        "data": {"forged": True},
    }
    if name.endswith("_id"):
        return by_name.get(name.removesuffix("_id"), 999_999)
    if name in by_name:
        return by_name[name]
    if name.endswith("_at") or name.startswith("scheduled_"):
        return "2001-02-03T04:05:06Z"
    if name.endswith("_on") or name in ("due_by",):
        return "2001-02-03"
    return ["forged"] if name in ("values_in_focus", "questions", "rounds", "assignments", "timeline") else "forged"


def snapshot() -> dict:
    """Every row of the app's tables (many-to-many links included), keyed by model."""
    chosen = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in SNAPSHOT_APPS]
    return {model: list(model._default_manager.order_by("pk").values()) for model in chosen}


def highest_ids(before: dict) -> dict:
    """Each table's highest integer id in a snapshot: any id above it is of a row made since."""
    return {
        model: max((row[pk] for row in rows if isinstance(row[pk], int)), default=0)
        for model, rows in before.items()
        for pk in [model._meta.pk.attname]
    }


def normalised(before: dict, after: dict) -> dict:
    """``after`` with every id of a row the request made (above the table's highest id in
    ``before``) replaced by a marker, in primary and foreign keys alike, so that two runs that
    made the same rows compare equal whatever ids the database handed out."""
    high_water = highest_ids(before)

    def mark(target, value):
        new = target is not None and isinstance(value, int) and value > high_water.get(target, 0)
        return "<new>" if new else value

    result = {}
    for model, rows in after.items():
        keys = {f.attname: model if f.primary_key else f.related_model for f in model._meta.concrete_fields}
        if tracked := getattr(model, "pgh_tracked_model", None):  # an event row's copy of the row's id
            keys["id"] = tracked
        result[model._meta.label] = sorted(
            (
                {
                    name: "<random>" if name in RANDOM and value else mark(keys.get(name), value)
                    for name, value in row.items()
                    if name not in EVENT_CLOCK
                }
                for row in rows
            ),
            key=repr,
        )
    return result


# The history's event rows (issue #11) carry the database's clock and the request's context,
# which differ between two runs whatever the body; what they record is compared like any row.
EVENT_CLOCK = {"pgh_created_at", "pgh_context_id"}
# Values the server draws at random on each run: a webhook's secrets, an event's message id.
RANDOM = {"secret", "previous_secret", "message_id"}


def attempt(world: World, write: Write, body: dict, moment: datetime) -> tuple[int, Any, dict]:
    api = APIClient()
    api.force_authenticate(world.users[write.author])
    with time_machine.travel(moment, tick=False), rolled_back():
        before = snapshot()
        response = getattr(api, write.method)(write.path(world), body, format="json")
        after = normalised(before, snapshot())
    return response.status_code, _without_new_ids(response.json(), highest_ids(before)), after


# The keys of an answer that hold the id of a row, and that row's model.
ANSWER_IDS = {"loop": Loop, "round": Round, "current_round": Round, "block": Round, "scorecard": Scorecard}


def _without_new_ids(answer, high_water: dict):
    """The answer with ids of rows the request made marked, like the database's: every "id"
    (its model is the key above it), and references when they are to a new row."""
    if isinstance(answer, dict):
        return {key: _id_or_value(key, value, high_water) for key, value in answer.items()}
    if isinstance(answer, list):
        return [_without_new_ids(item, high_water) for item in answer]
    return answer


def _id_or_value(key: str, value, high_water: dict):
    if key == "id":
        return "<id>"
    if key in RANDOM:
        return "<random>"
    if key in ANSWER_IDS and isinstance(value, int) and value > high_water[ANSWER_IDS[key]]:
        return "<new>"
    return _without_new_ids(value, high_water)


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
def test_forged_server_owned_fields_change_nothing(world, write):
    moment = timezone.now().replace(microsecond=0)  # both runs at the same instant: equal timestamps
    owned = server_owned(write)
    body = write.body(world)
    forged = {**body, **{name: forged_value(name, world, write) for name in owned}}

    clean_status, clean_answer, clean_db = attempt(world, write, body, moment)
    forged_status, forged_answer, forged_db = attempt(world, write, forged, moment)

    assert clean_status == write.expected, clean_answer
    assert forged_status == clean_status, forged_answer
    assert forged_answer == clean_answer
    changed = {label for label in clean_db if clean_db[label] != forged_db[label]}
    assert changed == set(), f"forged fields {sorted(owned)} changed {changed}"
    assert set(clean_answer) == set(write.answers().fields), "the answer is its documented shape, no more"
    leaked = set(CANARY_PATTERN.findall(str(forged_answer))) & set(world.forbidden_canaries_of(write.author))
    assert leaked == set()


def test_the_forged_bodies_cover_the_fields_that_matter():
    """A guard on the guard: the generated server-owned sets hold the fields the issue names."""
    named = {
        "save a draft": {"id", "interviewer", "loop", "round", "status", "submitted_at", "due_at", "created_at",
                         "updated_at", "current_revision", "ratings_completed_at", "assignment"},
        "amend a scorecard": {"author", "is_after_exposure", "kind", "number", "status", "interviewer"},
        "change an assignment": {"interviewer", "round", "scorecard", "created_by"},
        "record the decision": {"by", "at", "loop", "summary_snapshot"},
        "hold a loop": {"status", "due_by", "current_round", "closed_on", "hiring_manager", "rubric"},
    }  # fmt: skip
    for write in WRITES:
        assert named.get(write.name, set()) <= server_owned(write), write.name


# The schema --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema: dict, ref_holder: dict) -> dict:
    ref = ref_holder.get("$ref") or ref_holder.get("items", {}).get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else {}


def write_operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and path.startswith("/api/v1/") and "auth/token" not in path:
                yield f"{method.upper()} {path}", operation


def test_the_schema_marks_every_field_a_write_does_not_take_read_only(schema):
    problems = []
    operations = dict(write_operations(schema))

    for name, operation in operations.items():
        request = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        takes = set(_component(schema, request).get("properties", {}))
        for status, answer in operation["responses"].items():
            if not status.startswith("2"):
                continue
            body = answer.get("content", {}).get("application/json", {}).get("schema", {})
            for field, spec in _component(schema, body).get("properties", {}).items():
                if field not in takes and not spec.get("readOnly"):
                    problems.append(f"{name} answers {field!r} without readOnly")

    assert problems == []


def test_every_write_in_the_schema_is_forged_above(schema):
    """A new write endpoint fails here until its input is in WRITES."""
    forged_inputs = {write.accepts.__name__ for write in WRITES}
    uncovered = []
    for name, operation in write_operations(schema):
        request = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        component = request.get("$ref", "").rsplit("/", 1)[-1].removeprefix("Patched").removesuffix("Request")
        if component not in forged_inputs:
            uncovered.append((name, component))

    assert uncovered == []


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
def test_the_schema_takes_no_server_owned_field_in_a_request(schema, write):
    name = write.accepts.__name__
    components = schema["components"]["schemas"]
    requests = [spec for key, spec in components.items() if key in (f"{name}Request", f"Patched{name}Request")]

    assert requests, f"no request component for {name}"
    for spec in requests:
        properties = set(spec.get("properties", {}))
        assert properties & server_owned(write) == set()
        assert properties <= set(write.accepts().fields)
