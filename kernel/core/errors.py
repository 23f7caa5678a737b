"""Domain errors shared by every app: a machine-readable code plus a German message for people.

Services raise these; the API's exception handler (``interfaces.api.exceptions``) and the pages render them. Keeping
one shape means the REST API, Open311 and the web form all say the same thing for the same problem.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: ``code`` for machines, ``message`` (German) for people, optional ``field``."""

    code: str = "invalid"
    status_code: int = 400
    default_message: str = "Die Anfrage ist ungültig."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ValidationFailed(DomainError):
    """Input is wrong; ``errors`` maps field names to lists of German messages."""

    code = "invalid"
    status_code = 400

    def __init__(self, errors: dict[str, list[str]], message: str | None = None) -> None:
        self.errors = errors
        first = next((msgs[0] for msgs in errors.values() if msgs), None)
        super().__init__(message or first or "Die Eingaben sind ungültig.")


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_message = "Nicht gefunden."


class Conflict(DomainError):
    """The request is well-formed but not allowed in the current state (e.g. an illegal status move)."""

    code = "conflict"
    status_code = 409
    default_message = "Diese Änderung ist im aktuellen Zustand nicht möglich."


def reject_nul(values: dict[str, object]) -> None:
    """PostgreSQL cannot store NUL characters; refuse them per field before any query sees them."""
    bad: dict[str, list[str]] = {}

    def contains(value: object) -> bool:
        # Without recursion: a JSON body may nest arrays or objects thousands deep.
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, str) and "\x00" in item:
                return True
            if isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list | tuple):
                pending.extend(item)
        return False

    for name, value in values.items():
        if contains(value):
            bad[name] = ["Enthält ungültige Steuerzeichen (NUL)."]
    if bad:
        raise ValidationFailed(bad)
