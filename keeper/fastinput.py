"""A fast path in front of DRF validation for the hottest request bodies (issue #9).

DRF builds a fresh tree of field objects for every serializer instance and validates through
several layers per value: for a full scorecard draft (nine ratings, criteria, a flag) that was a
quarter of the save's time. ``validated(InputClass, data)`` first tries a plan compiled once per
input class from the same declared fields: it accepts only plainly valid input (the JSON type
each field takes, within its bounds and choices) and gives what DRF's ``validated_data`` would.
Anything else — an error, a field kind or validator the plan does not know, an odd value — is
left to DRF itself, which answers it exactly as before. So the fast path never decides an error
and never accepts what DRF refuses; tests/test_fast_input.py holds it to that, value by value,
over generated bodies."""

import re
from functools import lru_cache

from django.core import validators as django_validators
from rest_framework import serializers
from rest_framework.fields import ProhibitSurrogateCharactersValidator, empty

_SURROGATES = re.compile("[\ud800-\udfff]")


class _Refer(Exception):
    """This input is DRF's to judge."""


def _int_plan(field: serializers.IntegerField):
    low, high, nullable = field.min_value, field.max_value, field.allow_null

    def check(value):
        if value is None and nullable:
            return None
        if type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
            raise _Refer
        return value

    return check


def _text_ok(text: str) -> bool:
    return "\x00" not in text and (text.isascii() or not _SURROGATES.search(text))


def _char_plan(field: serializers.CharField):
    trim, blank, longest, shortest = field.trim_whitespace, field.allow_blank, field.max_length, field.min_length
    pattern = None
    for validator in field.validators:
        if isinstance(validator, django_validators.RegexValidator) and isinstance(field, serializers.SlugField):
            pattern = validator.regex
        elif not isinstance(
            validator,
            django_validators.MaxLengthValidator
            | django_validators.MinLengthValidator
            | django_validators.ProhibitNullCharactersValidator
            | ProhibitSurrogateCharactersValidator,
        ):
            return None
    if field.allow_null:
        return None

    def check(value):
        if type(value) is not str:
            raise _Refer
        text = value.strip() if trim else value
        if text == "":
            if blank:
                return ""
            raise _Refer
        if (longest is not None and len(text) > longest) or (shortest is not None and len(text) < shortest):
            raise _Refer
        if not _text_ok(text) or (pattern is not None and not pattern.search(text)):
            raise _Refer
        return text

    return check


def _choice_plan(field: serializers.ChoiceField):
    if field.allow_null or field.validators or not all(isinstance(c, str) for c in field.choices):
        return None
    allowed = frozenset(field.choices)
    blank = field.allow_blank

    def check(value):
        if type(value) is not str:
            raise _Refer
        if value in allowed:
            return value
        if value == "" and blank:
            return ""
        raise _Refer

    return check


def _list_plan(field: serializers.ListSerializer):
    child = _object_plan(field.child)
    if child is None or field.allow_null or field.validators:
        return None
    longest, shortest, allow_empty = field.max_length, field.min_length, field.allow_empty

    def check(value):
        if type(value) is not list:
            raise _Refer
        if (longest is not None and len(value) > longest) or (shortest is not None and len(value) < shortest):
            raise _Refer
        if not value and not allow_empty:
            raise _Refer
        return [child(item) for item in value]

    return check


def _field_plan(field):
    if field.validators and not isinstance(field, serializers.CharField):
        known = (django_validators.MinValueValidator, django_validators.MaxValueValidator)
        if not all(isinstance(v, known) for v in field.validators) or not isinstance(field, serializers.IntegerField):
            return None
    if type(field) is serializers.IntegerField:
        return _int_plan(field)
    if type(field) in (serializers.CharField, serializers.SlugField):
        return _char_plan(field)
    if type(field) is serializers.ChoiceField:
        return _choice_plan(field)
    if isinstance(field, serializers.ListSerializer):
        return _list_plan(field)
    if isinstance(field, serializers.Serializer):
        return _object_plan(field)
    return None


def _object_plan(serializer: serializers.Serializer):
    """The plan of a serializer with plain fields and no validation of its own, else None."""
    own_validation = type(serializer).validate is not serializers.Serializer.validate
    if own_validation or serializer.validators or serializer.allow_null:
        return None
    steps = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if field.source != name or getattr(serializer, f"validate_{name}", None) is not None:
            return None
        check = _field_plan(field)
        if check is None:
            return None
        steps.append((name, check, field.required, field.default))

    def check(value):
        if type(value) is not dict:
            raise _Refer
        out = {}
        for name, field_check, required, default in steps:
            if name in value:
                out[name] = field_check(value[name])
            elif required:
                raise _Refer
            elif default is not empty:
                if callable(default):
                    raise _Refer
                out[name] = default
        return out

    return check


@lru_cache(maxsize=32)
def _plan(input_class):
    return _object_plan(input_class())


def validated(input_class, data) -> dict:
    """``input_class(data=data)``'s ``validated_data``; raises its ValidationError (a 400)."""
    plan = _plan(input_class)
    if plan is not None:
        try:
            return plan(data)
        except _Refer:
            pass
    serializer = input_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def fast(input_class, data) -> dict | None:
    """The fast path's answer alone, or None where DRF decides (for the tests)."""
    plan = _plan(input_class)
    if plan is None:
        return None
    try:
        return plan(data)
    except _Refer:
        return None
