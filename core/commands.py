"""What management commands share: the ``--as-of`` reference day of the daily jobs run by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone


def add_as_of_argument(parser: CommandParser) -> None:
    parser.add_argument("--as-of", help="Stichtag JJJJ-MM-TT (Standard: heute)")


def as_of_day(options: dict[str, Any]) -> dt.date:
    """The ``--as-of`` day, or today (local time); a malformed date stops the command with a German message."""
    value = options.get("as_of")
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of erwartet ein Datum der Form JJJJ-MM-TT, nicht „{value}“.") from exc
