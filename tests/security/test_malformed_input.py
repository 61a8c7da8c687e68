"""Malformed requests get a 4xx in the documented error shape, never a 500, and write nothing
(Product §7: "No request, however malformed, gets a 500"; README "Errors").

Hand-made probes against every write endpoint of tests/security/writes.py, each called by a
caller allowed to use it, so that only the body decides the answer:

- bodies that are not what JSON endpoints take: not JSON, truncated, null, scalars, deep
  nesting, huge numbers, NaN, NUL bytes, bad UTF-8, unknown enums, every field wrong at once;
- a valid body sent as text/plain, form-encoded, multipart, XML, or with no type: 415;
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413;
- for every field of every input serializer, nested ones included, each wrong value its type
  admits (generated from the serializers): 400 naming the field.

After every refused write the database is as it was: no half-written rows."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.test import APIClient

from tests.security.world import World, rolled_back
from tests.security.writes import WRITES, Write

pytestmark = pytest.mark.django_db

JSON = "application/json"
REFUSED = range(400, 500)
OK_OR_REFUSED = range(200, 500)  # never 3xx in the API; what matters here is "not a 500"


@dataclass(frozen=True)
class Probe:
    label: str
    body: Any  # a str or bytes sent as is, or a callable of the valid body
    content_type: str = JSON
    expected: range | int = REFUSED
    names: tuple[str, ...] = ()  # fields the error must name


# Bodies --------------------------------------------------------------------------------------

DEEP = "[" * 5000 + "]" * 5000

# Bodies no endpoint takes, whatever its fields: refused before any field is read.
UNREADABLE = {
    "not json": "this is not json",
    "truncated": '{"version": 1, "summary": "cut',
    "truncated list": '[{"value": "judgment", "rating": 3',
    "trailing garbage": '{"version": 1} and more',
    "single quotes": "{'version': 1}",
    "array": "[1, 2, 3]",
    "string": '"a string"',
    "number": "42",
    "boolean": "true",
    "deep list nesting": DEEP,
    "deep object nesting": '{"a":' * 3000 + "1" + "}" * 3000,
    "integer of 5000 digits": '{"version": 1' + "0" * 5000 + "}",
    "nan": '{"version": NaN, "rating": NaN}',
    "infinity": '{"version": Infinity, "order": -Infinity}',
    "invalid utf-8": b'{"summary": "\xff\xfe\xfd", "reason": "\xc3\x28"}',
}
# Bodies that say nothing: fine where nothing is required, refused elsewhere.
EMPTY = {"empty body": "", "empty object": "{}", "null": "null"}


def input_fields(serializer_class) -> dict[str, serializers.Field]:
    return dict(serializer_class().fields)


def every_field_bodies(write: Write) -> dict[str, tuple[Any, tuple[str, ...]]]:
    """Bodies built from the input serializer with several of its fields wrong at once; the
    400 must name every one of them (Product §7: every problem at once)."""
    fields = input_fields(write.accepts)
    numbers = [n for n, f in fields.items() if isinstance(f, serializers.IntegerField | PrimaryKeyRelatedField)]
    texts = [n for n, f in fields.items() if isinstance(f, serializers.CharField)]
    choices = [n for n, f in fields.items() if isinstance(f, serializers.ChoiceField)]
    bodies = {"every field wrong": ({name: wrong_values(f)[0] for name, f in fields.items()}, tuple(fields))}
    if numbers:
        bodies["every number huge"] = (dict.fromkeys(numbers, 10**30), tuple(numbers))
    if texts:
        bodies["every text with a nul byte"] = (dict.fromkeys(texts, "a\u0000b"), tuple(texts))
    if choices:
        bodies["every choice unknown"] = (dict.fromkeys(choices, "bogus"), tuple(choices))
    if "value_ratings" in fields:
        bodies["unknown value, rating out of scale"] = (
            {"value_ratings": [{"value": "luck", "rating": 9}]},
            ("value_ratings",),
        )
    return {name: (_merged(changes), names) for name, (changes, names) in bodies.items()}


def _merged(changes: dict):
    return lambda valid: {**valid, **changes}


def wrong_values(field: serializers.Field) -> list:
    """Values of the wrong type, or out of the field's range, for one serializer field."""
    nothing = [] if field.allow_null else [None]
    if isinstance(field, serializers.ListSerializer):
        limit = field.max_length or 50
        return ["not a list", 5, {"a": 1}, [None], [5], ["text"], [{}] * (limit + 1)]
    if isinstance(field, serializers.ListField):
        limit = field.max_length or 50
        return ["not a list", {"a": 1}, [None], [[1]], [{"a": 1}], [1] * (limit + 1), *nothing]
    if isinstance(field, serializers.DictField):
        return ["text", [1], {"key": []}, {"key": {"deeper": 1}}, *nothing]
    if isinstance(field, serializers.BooleanField):
        return ["maybe", [], {}, *nothing]
    if isinstance(field, serializers.ChoiceField):
        return ["bogus", 7, [], {}, True, *nothing]
    if isinstance(field, serializers.DateTimeField):
        return ["soon", 5, [], "2020-13-45T25:99:00Z", "99999-01-01T00:00:00Z", "9999-12-31T23:59:59Z", *nothing]
    if isinstance(field, serializers.DateField):
        return ["soon", 5, [], "2020-02-30", "99999-01-01", "9999-12-31", *nothing]
    if isinstance(field, serializers.IntegerField | PrimaryKeyRelatedField):
        return ["x", 1.5, True, [], {}, 10**20, -(10**20), 0, *nothing]
    if isinstance(field, serializers.CharField):
        too_long = ["x" * (field.max_length + 1)] if field.max_length else []
        return [True, [], {}, "a\u0000b", "half a pair \ud800", *too_long, *nothing]
    raise AssertionError(f"no wrong values for {field!r}: add them here")


def valid_item(write: Write, world: World, name: str) -> dict | None:
    """One valid item of a nested list, to make wrong one field at a time."""
    card = world.card("alice", "a")
    if name == "value_ratings":
        return {"value": card.assignment.values_in_focus.first().slug, "rating": 3, "evidence": "said so"}
    if name == "criterion_ratings":
        from rubric.models import Criterion

        criterion = Criterion.objects.filter(question__in=card.assignment.questions.all()).first()
        return {"criterion": criterion.pk, "rating": 3, "notes": "noted"}
    if name == "red_flags":
        from rubric.models import FailureMode

        return {"failure_mode": FailureMode.objects.filter(rubric=world.rubric).first().pk, "note": "seen"}
    return None


def _fields_probed_by() -> dict[str, list[str]]:
    """Each endpoint's input fields, less those an earlier endpoint takes in the same form
    (draft and amendment share the content fields; hold and withdraw their input): probed once."""
    seen, plan = set(), {}
    for write in WRITES:
        plan[write.name] = []
        for name, declared in write.accepts._declared_fields.items():  # inherited ones are the same object
            if id(declared) not in seen:
                seen.add(id(declared))
                plan[write.name].append(name)
    return plan


FIELDS_PROBED_BY = _fields_probed_by()


def field_probes(write: Write, world: World) -> Iterator[Probe]:
    """For every field (and every field of every nested item), each wrong value on its own."""
    for name, field in input_fields(write.accepts).items():
        if name not in FIELDS_PROBED_BY[write.name]:
            continue
        for value in wrong_values(field):
            yield Probe(f"{name}={_short(value)}", _with(name, value), names=(name,))
        if isinstance(field, serializers.ListSerializer):
            item = valid_item(write, world, name)
            assert item is not None, f"give {name} a valid item"
            for sub_name, sub_field in field.child.fields.items():
                for value in wrong_values(sub_field):
                    bad_item = {**item, sub_name: value}
                    yield Probe(f"{name}[].{sub_name}={_short(value)}", _with(name, [bad_item]), names=(name,))


def _with(name: str, value):
    return lambda valid: {**valid, name: value}


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def probes_for(write: Write, world: World) -> dict[str, list[Probe]]:
    required = any(f.required for f in input_fields(write.accepts).values())
    bodies = [Probe(name, body) for name, body in UNREADABLE.items()]
    bodies += [Probe(name, body, expected=REFUSED if required else OK_OR_REFUSED) for name, body in EMPTY.items()]
    bodies += [Probe(name, body, names=names) for name, (body, names) in every_field_bodies(write).items()]
    types = [
        Probe("as text/plain", lambda valid: json.dumps(valid), "text/plain", 415),
        Probe("form-encoded", lambda valid: urlencode(valid), "application/x-www-form-urlencoded", 415),
        Probe("multipart", lambda valid: encode_multipart("BoUnDaRy", _flat(valid)), MULTIPART_CONTENT, 415),
        Probe("as xml", lambda valid: "<body>" + json.dumps(valid) + "</body>", "application/xml", 415),
        Probe("no content type", lambda valid: json.dumps(valid), "", 415),
    ]
    oversized = [
        Probe(
            "over DATA_UPLOAD_MAX_MEMORY_SIZE",
            lambda valid: json.dumps({**valid, "summary": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}),
            expected=413,
        )
    ]
    fields = list(field_probes(write, world))
    return {"bodies": bodies, "content types": types, "oversized": oversized, "fields": fields}


def _flat(valid: dict) -> dict:
    return {key: json.dumps(value) if isinstance(value, dict | list) else value for key, value in valid.items()}


# The database, to show a refused write wrote nothing ----------------------------------------


WRITE_SQL = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def fingerprint() -> dict:
    """Every row of the tables a write can touch."""
    chosen = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in ("loops", "scorecards", "integrations")
    ]
    return {model._meta.label: list(model._default_manager.order_by("pk").values_list()) for model in chosen}


# The error shape ---------------------------------------------------------------------------


def shape_problem(response) -> str | None:
    """None when the answer is a JSON object of the documented kinds: ``{"detail", ...}``,
    ``{"problems": [...]}``, or field errors whose values are messages."""
    if not response["Content-Type"].startswith(JSON):
        return f"not JSON: {response['Content-Type']}"
    body = response.json()
    if not isinstance(body, dict) or not body:
        return f"not an object: {body!r:.80}"
    if "detail" in body:
        return None if isinstance(body["detail"], str) else "detail is not text"

    def messages(value) -> bool:
        if isinstance(value, str):
            return True
        if isinstance(value, list):
            return bool(value) and all(messages(v) for v in value)
        if isinstance(value, dict):
            return all(messages(v) for v in value.values())
        return False

    return None if all(messages(value) for value in body.values()) else f"not field errors: {body!r:.120}"


# The test ----------------------------------------------------------------------------------

CASES = [
    pytest.param(write, category, id=f"{write.name}: {category}")
    for write in WRITES
    for category in ("bodies", "content types", "oversized", "fields")
    if category != "fields" or FIELDS_PROBED_BY[write.name]
]


@pytest.mark.parametrize(("write", "category"), CASES)
def test_malformed_requests_are_refused_in_the_error_shape_and_write_nothing(world, write, category):
    api = APIClient()
    api.force_authenticate(world.users[write.author])
    probes = probes_for(write, world)[category]
    valid, path = write.body(world), write.path(world)
    before = fingerprint()
    problems = []

    for probe in probes:
        body = probe.body(valid) if callable(probe.body) else probe.body
        if isinstance(body, dict):
            body = json.dumps(body)
        with rolled_back(), CaptureQueriesContext(connection) as queries:
            response = api.generic(write.method.upper(), path, body, content_type=probe.content_type)
            wrote = any(WRITE_SQL.match(query["sql"]) for query in queries.captured_queries)
            # Read the tables back only when a write statement ran (most refusals run none).
            after = fingerprint() if wrote and response.status_code in REFUSED else before
        status = response.status_code
        expected = probe.expected if isinstance(probe.expected, range) else range(probe.expected, probe.expected + 1)
        if status not in expected:
            problems.append(f"{probe.label}: {status} {response.content[:160]!r}")
            continue
        if status in REFUSED:
            if shape := shape_problem(response):
                problems.append(f"{probe.label}: {status} {shape}")
            elif missing := [name for name in probe.names if name not in response.json()]:
                problems.append(f"{probe.label}: the 400 does not name {missing}: {response.content[:160]!r}")
            if after != before:
                problems.append(f"{probe.label}: refused with {status} but wrote {_changed(before, after)}")

    assert probes
    assert problems == [], f"{write.name}, {category}:\n" + "\n".join(problems)


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def test_there_are_more_than_300_hand_made_probes(world):
    total = sum(len(probes) for write in WRITES for probes in probes_for(write, world).values())

    assert total >= 300, total


def test_an_absurd_version_is_a_400_naming_it_not_a_409(world):
    """Regression: a version past what the column holds answered 409 "stale" (it can never
    have been read); it is bad input, named like any other."""
    api = APIClient()
    alice = world.users["alice"]
    api.force_authenticate(alice)
    card = world.card("alice", "a")

    saved = api.patch(f"/api/v1/scorecards/{card.pk}/", {"version": 10**20, "summary": "x"}, format="json")
    submitted = api.post(f"/api/v1/scorecards/{card.pk}/submit/", {"version": 10**20}, format="json")
    amended = api.post(
        f"/api/v1/scorecards/{world.card('alice', 'b').pk}/amendments/",
        {"version": 2**31, "reason": "r", "summary": "x"},
        format="json",
    )

    for response in (saved, submitted, amended):
        assert response.status_code == 400, response.content
        assert list(response.json()) == ["version"]
    card.refresh_from_db()
    assert card.status == "draft"


def test_an_id_that_is_not_a_whole_number_is_refused_not_read_as_another(world):
    """Regression: DRF's PrimaryKeyRelatedField turned 1.5 (or true) into object 1, so a loop
    opened with "rubric": 1.5 ran on rubric 1 and "interviewer": 1.5 assigned user 1."""
    api = APIClient()
    api.force_authenticate(world.users["hana"])
    spare, hana = world.spare_candidate.pk, world.users["hana"].pk
    behavioral = world.card("carol", "a").round.loop.rounds.get(rubric_round__slug="behavioral")

    opened = api.post("/api/v1/loops/", {"candidate": spare, "hiring_manager": hana, "rubric": 1.5}, format="json")
    assigned = api.post(f"/api/v1/rounds/{behavioral.pk}/assignments/", {"interviewer": True}, format="json")

    assert opened.status_code == 400
    assert list(opened.json()) == ["rubric"]
    assert assigned.status_code == 400
    assert list(assigned.json()) == ["interviewer"]


def test_a_body_over_the_limit_is_a_413_in_the_api_shape(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = APIClient()
    api.force_authenticate(world.users["alice"])
    card = world.card("alice", "a")

    response = api.patch(
        f"/api/v1/scorecards/{card.pk}/", {"version": card.version, "summary": "x" * 2000}, format="json"
    )
    fits = api.patch(f"/api/v1/scorecards/{card.pk}/", {"version": card.version, "summary": "x" * 500}, format="json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "code": "too_large"}
    assert fits.status_code == 200


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", "1.5", "99999999999999999999", "%00", "١٢", "1e3"])
def test_malformed_ids_in_api_paths_are_a_json_404(world, bad_id):
    api = APIClient()
    api.force_authenticate(world.users["hana"])
    paths = [
        "/api/v1/scorecards/{}/",
        "/api/v1/scorecards/{}/submit/",
        "/api/v1/loops/{}/",
        "/api/v1/loops/{}/keeper-summary/",
        "/api/v1/loops/{}/keeper-summary.csv",
        "/api/v1/loops/{}/decision/",
        "/api/v1/rounds/{}/",
        "/api/v1/assignments/{}/",
        "/api/v1/candidates/{}/",
        "/api/v1/rubrics/{}/",
    ]
    problems = []

    for template in paths:
        for method in ("get", "post", "patch"):
            response = getattr(api, method)(template.format(bad_id), {}, format="json")
            if response.status_code not in (404, 405) or shape_problem(response):
                problems.append((method, template, response.status_code, response.content[:80]))

    assert problems == [], "\n".join(map(str, problems))


# The pages' forms --------------------------------------------------------------------------

FORM_FIELDS = [
    "reason", "summary", "recommendation", "keeper", "decision", "rationale", "status", "scheduled_start",
    "scheduled_end", "override_reason", "outcome", "interviewer", "questions", "name", "email", "level",
    "hiring_manager", "recruiter", "started_on", "answer-no_evidence:courage", "rating-courage", "evidence-courage",
    "time_zone", "location", "video_url",
]  # fmt: skip
FORM_VALUES = {
    "nul bytes": "a\u0000b",
    "huge numbers": "9" * 30,
    "negative numbers": "-1",
    "arabic-indic digits": "١٢",
    "impossible dates": "2020-13-45T25:99",
    "long text": "x" * 30_000,
    "lists": ["1", "x", ""],
}


@pytest.mark.parametrize("garbage", [*FORM_VALUES, "over the size limit", "too many fields"])
def test_page_forms_answer_garbage_without_a_500(world, garbage):
    """The pages answer a refused form with a redirect and a message (or Django's 400 for a body
    too large); never a 500, for the role the matrix lets post there."""
    from tests.security.test_access_matrix import ROWS, allowed_caller

    if garbage == "over the size limit":
        form = {"summary": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    elif garbage == "too many fields":
        form = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    else:
        form = dict.fromkeys(FORM_FIELDS, FORM_VALUES[garbage])
    problems = []
    page_posts = [row for row in ROWS if not row.is_api and "POST" in row.methods]

    for row in page_posts:
        role, _, target = allowed_caller(world, row, "POST")
        browser = _browser(world, role)
        with rolled_back():
            response = browser.post(row.path.format(**target.params), form)
        if response.status_code not in (200, 302, 400):
            problems.append((row.label, role, response.status_code))

    assert len(page_posts) == 12
    assert problems == []


def _browser(world: World, role: str):
    from django.test import Client

    browser = Client()
    browser.force_login(world.user(role))
    return browser
