"""The OpenAPI schema's error answers. Every operation documents the errors it can give, in
the two shapes ``keeper.api.exception_handler`` answers with (Product §7.1), so a client,
or the schema fuzzer (tests/test_api_fuzz.py), can hold the API to its schema."""

ERROR = {
    "type": "object",
    "description": "What went wrong. Refusals by a product rule add a `code` and may add details "
    "such as `current_version` (a stale save) or `problems` (an incomplete submit).",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Every field in error, each with its messages; a list or object field gives the "
    "errors of each of its items. Problems of the request as a whole are under `non_field_errors`.",
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
}

WRITES = {"post", "put", "patch", "delete"}
TOKEN_PATH = "/api/v1/auth/token/"


def _answer(description: str, *schemas: str) -> dict:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in schemas]
    schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors_for(path: str, method: str, operation: dict) -> dict:
    """The error answers ``operation`` can give, by what it takes and what it does."""
    parameters = operation.get("parameters", [])
    takes_input = "requestBody" in operation or any(p["in"] == "query" for p in parameters)
    errors = {
        "401": _answer("No credentials, or a token or session that is not valid.", "Error"),
        "403": _answer("Signed in, but this role or person may not do this.", "Error"),
    }
    if takes_input:
        errors["400"] = _answer("The request is not valid: every problem is named.", "FieldErrors", "Error")
    # An object named in the path, or by a required query parameter (?loop=ID), may be unseen.
    if any(p["in"] == "path" or (p["in"] == "query" and p.get("required")) for p in parameters):
        errors["404"] = _answer("Nothing with this id, or nothing this user may see.", "Error")
    if method in WRITES and path != TOKEN_PATH:
        errors["409"] = _answer(
            "Refused by the record's state: a stale version, something sealed, a move the rules do not "
            "allow, or a change made at the same moment by someone else.",
            "Error",
        )
    if "requestBody" in operation:
        errors["415"] = _answer("The body is not JSON.", "Error")
    if path == TOKEN_PATH:
        errors["429"] = _answer("Too many failed sign-ins for this username or from this address.", "Error")
    return errors


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error answers an operation does not
    document itself (an operation's own documentation wins)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, answer in errors_for(path, method, operation).items():
                responses.setdefault(status, answer)
    return result
