"""Collecting per-field German messages while validating input, shared by every case type.

Validation looks at all fields before refusing, so a person fixes everything in one go; the collected
messages become one :class:`kernel.core.errors.ValidationFailed` (rendered as 400 with ``errors`` per field).
"""

from __future__ import annotations

import re
from typing import Any

from kernel.core.errors import ValidationFailed

PHONE_RE = re.compile(r"^\+?[0-9 ()/\-]{5,30}$")
NOTE_MAX = 4000


class FieldErrors(dict[str, list[str]]):
    """Field name → German messages, in the order they were found."""

    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def absorb(self, exc: ValidationFailed) -> None:
        """Take over the messages of an error raised by a lower layer (coordinates, geometry, photos)."""
        for key, messages in exc.errors.items():
            for message in messages:
                self.add(key, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


def clean_text(value: Any) -> str:
    """Any input (None, numbers, text) as stripped text; None is empty."""
    return "" if value is None else str(value).strip()


def clean_note(value: Any, field: str, *, limit: int = NOTE_MAX, label: str = "Die Notiz") -> str:
    """A staff note, reason or condition; longer input is refused with a message, never cut off silently."""
    text = clean_text(value)
    if len(text) > limit:
        raise ValidationFailed(
            {field: [f"{label} darf höchstens {limit:,} Zeichen lang sein.".replace(",", ".")]}
        )
    return text
