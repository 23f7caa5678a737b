"""What management commands share: the ``--as-of`` reference day of the daily jobs run by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone


def add_as_of_argument(parser: CommandParser) -> None:
    parser.add_argument("--as-of", help="Stichtag JJJJ-MM-TT (Standard: heute)")


def as_of_day(options: dict[str, Any], *, option: str = "as_of") -> dt.date:
    """The day given with ``--as-of`` (or another date ``option``), else today (local time); a malformed
    date stops the command with a German message."""
    value = options.get(option)
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        flag = "--" + option.replace("_", "-")
        raise CommandError(f"{flag} erwartet ein Datum der Form JJJJ-MM-TT, nicht „{value}“.") from exc
