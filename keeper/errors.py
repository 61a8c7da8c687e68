"""Domain errors. Services raise these; ``keeper.api.exception_handler`` turns
them into responses, so a service never builds an HTTP answer itself."""

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def as_payload(self) -> dict[str, Any]:
        return {"detail": self.message, "code": self.code, **self.extra}


class Invalid(DomainError):
    """Input that is well-formed but breaks a product rule; ``errors`` maps field to messages."""

    status_code, code = 400, "invalid"

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {"non_field_errors": [message]}

    def as_payload(self) -> dict[str, Any]:
        return self.errors


class Incomplete(DomainError):
    """A submit refused with every problem at once (Product §7.1)."""

    status_code, code = 400, "incomplete"

    def __init__(self, message: str, *, problems: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.problems = problems

    def as_payload(self) -> dict[str, Any]:
        return {"detail": self.message, "problems": self.problems}


class Frozen(DomainError):
    """A write to something sealed: a published rubric version, a submitted scorecard."""

    status_code, code = 409, "frozen"


class StaleVersion(DomainError):
    status_code, code = 409, "stale"

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, current_version=current_version)


class IllegalMove(DomainError):
    """A status change that the table of allowed moves does not list."""

    status_code, code = 409, "illegal_move"

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message, status=status)


class Conflict(DomainError):
    status_code, code = 409, "conflict"
