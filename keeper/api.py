"""API plumbing shared by every app: the exception handler and pagination."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from keeper.errors import DomainError, Frozen
from keeper.history import is_sealed_refusal


def exception_handler(exc, context):
    """Every error answered marks an enclosing request transaction (ATOMIC_REQUESTS) for
    rollback, as DRF's own handler does for its errors: a refused write leaves nothing
    half-written, and a transaction whose statement failed (an IntegrityError that became
    a 409) is rolled back, never committed."""
    # Imported here: rest_framework.views reads the parser setting, which names this module.
    from rest_framework.views import set_rollback

    response = _answer(exc, context)
    if response is not None:
        set_rollback()
    return response


def _answer(exc, context):
    """Turn domain and Django errors into API answers, so bad input never ends in a 500."""
    # Imported here: rest_framework.views reads the parser setting, which names this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DomainError):
        return Response(exc.as_payload(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OverflowError):
        # A number or date too large for the database or the calendar: bad input, not a crash.
        return Response(
            {"detail": "A number or date in the request is out of range.", "code": "out_of_range"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is parsed, in the API's shape.
        return Response(
            {"detail": "The request body is too large.", "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if is_sealed_refusal(exc):
        # The database refused to change a submitted scorecard (scorecards/sealing.py).
        exc = Frozen("This scorecard is submitted and sealed; amend it with a reason instead.", status="submitted")
        return Response(exc.as_payload(), status=exc.status_code)
    if isinstance(exc, IntegrityError):
        # A database constraint caught a race the conditional updates did not.
        return Response(
            {"detail": "The change conflicts with another one made at the same time.", "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


class JSONParser(parsers.JSONParser):
    """DRF's parser, but a body nested too deep for Python's parser is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from None


class Pagination(BasePagination):
    """Lists answer a plain JSON list (Product §7.1), paged with ``?page=`` and
    ``?page_size=`` (at most 500) and an RFC 8288 ``Link`` header (``next``, ``prev``).
    One row past the page tells whether there is a next one, so no COUNT query is spent."""

    page_size = 100
    max_page_size = 500

    def _positive(self, request, name: str, default: int, problems: dict) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
            problems[name] = ["A positive whole number is required."]
            return default
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        problems: dict[str, list[str]] = {}
        self.size = min(self._positive(request, "page_size", self.page_size, problems), self.max_page_size)
        self.number = self._positive(request, "page", 1, problems)
        if problems:
            raise exceptions.ValidationError(problems)
        offset = (self.number - 1) * self.size
        rows = list(queryset[offset : offset + self.size + 1])
        self.has_next = len(rows) > self.size
        return rows[: self.size]

    def _link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(replace_query_param(url, "page", number), "page_size", self.size)

    def get_paginated_response(self, data):
        links = []
        if self.has_next:
            links.append(f'<{self._link(self.number + 1)}>; rel="next"')
        if self.number > 1:
            links.append(f'<{self._link(self.number - 1)}>; rel="prev"')
        return Response(data, headers={"Link": ", ".join(links)} if links else None)

    def get_paginated_response_schema(self, schema):
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "page", "required": False, "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                # Larger sizes are served as the largest page, not refused: no maximum in the schema.
                "description": f"Rows per page (default {self.page_size}); more than {self.max_page_size} "
                f"is served as {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, answered at once in the common case of one renderer and a client that
    takes JSON or anything: parsing the Accept header was a measurable share of the smallest
    API answers (issue #9). Other Accept headers go through DRF's rules (406 when unmet)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if len(renderers) == 1 and not format_suffix and accept in ("*/*", "application/json", ""):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


# JSON bodies ----------------------------------------------------------------------------------

_TYPE_MESSAGES = {
    str: "Must be a string.",
    int: "Must be a whole number.",
    float: "Must be a number.",
    bool: "Must be true or false.",
    list: "Must be a list.",
    dict: "Must be an object.",
}


def _expected_type(field) -> type | None:
    """The JSON type a field takes, or None for a field that takes any (JSONField)."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField | serializers.ManyRelatedField):
        return list
    if isinstance(field, serializers.MultipleChoiceField):
        return list
    if isinstance(field, serializers.Serializer | serializers.DictField):
        return dict
    if isinstance(field, serializers.BooleanField):
        return bool
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return int
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return float
    if isinstance(field, serializers.ChoiceField):
        return str if all(isinstance(choice, str) for choice in field.choices) else None
    if isinstance(field, serializers.CharField | serializers.DateTimeField | serializers.DateField):
        return str
    return None


def _is(value, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, expected)


def json_type_problems(field, value):
    """Where ``value`` is not of the JSON type ``field`` takes: messages in DRF's error shape, or None."""
    expected = _expected_type(field)
    if value is None or expected is None:
        return None
    if not _is(value, expected):
        return [_TYPE_MESSAGES[expected]]
    if isinstance(field, serializers.ListSerializer | serializers.ListField | serializers.ManyRelatedField):
        child = field.child if not isinstance(field, serializers.ManyRelatedField) else field.child_relation
        items = [json_type_problems(child, item) or {} for item in value]
        return items if any(items) else None
    if isinstance(field, serializers.DictField):
        items = {key: problems for key, item in value.items() if (problems := json_type_problems(field.child, item))}
        return items or None
    if isinstance(field, serializers.Serializer):
        return _field_problems(field.fields, value) or None
    return None


def _field_problems(fields, data: dict) -> dict:
    return {
        name: problems
        for name, field in fields.items()
        if not field.read_only and name in data and (problems := json_type_problems(field, data[name]))
    }


class JSONInput(serializers.Serializer):
    """A request body read from JSON. DRF would take ``0`` for a string or ``"3"`` for a number;
    here each value must already be of the JSON type its field takes (the one the OpenAPI
    schema states), or the request is refused with 400 naming every such field."""

    def to_internal_value(self, data):
        problems = _field_problems(self.fields, data) if isinstance(data, dict) else {}
        try:
            value = super().to_internal_value(data)
        except exceptions.ValidationError as exc:
            if not problems:
                raise
            raise exceptions.ValidationError({**exc.detail, **problems}) from None  # every problem, at once
        if problems:
            raise exceptions.ValidationError(problems)
        return value


class QueryInput(serializers.Serializer):
    """Query parameters. DRF reads an empty one (``?status=``) as one left out, so a filter
    would silently not apply; here it is refused with 400, as the OpenAPI schema says."""

    def to_internal_value(self, data):
        blank = {name: ["Give a value, or leave the parameter out."] for name in self.fields if data.get(name) == ""}
        if blank:
            raise exceptions.ValidationError(blank)
        return super().to_internal_value(data)
