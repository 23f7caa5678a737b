"""Query-parameter parsing for the API and the pages: every bad value becomes a 400 naming the parameter,
never a 500."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

from kernel.core.errors import ValidationFailed

AGS8 = re.compile(r"^\d{8}$")
AGS5 = re.compile(r"^\d{5}$")
LAST_YEAR = 9998  # of a date parameter: Python's datetimes end with 9999-12-31


def ascii_digits(value: str, *, max_digits: int) -> bool:
    """Only 0-9, at most ``max_digits`` of them. ``str.isdigit`` alone also accepts "²" or "①", which
    ``int()`` refuses, and Python refuses ``int()`` of more than 4,300 digits: both were 500s."""
    return 0 < len(value) <= max_digits and value.isascii() and value.isdigit()


def invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({name: [message]})


def optional_date(params: Mapping[str, str], name: str) -> dt.date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise invalid(name, f"{name}: Datum im Format JJJJ-MM-TT erwartet.") from None
    if day.year > LAST_YEAR:  # the day after 9999-12-31 overflows (the end of the day is its next midnight)
        raise invalid(name, f"{name}: Datum bis spätestens {LAST_YEAR}-12-31 erwartet.")
    return day


def optional_float(
    params: Mapping[str, str],
    name: str,
    *,
    default: float,
    minimum: float,
    maximum: float,
    clamp: bool = False,
) -> float:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise invalid(name, f"{name} muss eine Zahl sein.") from None
    if not math.isfinite(number):
        raise invalid(name, f"{name} muss eine endliche Zahl sein.")
    if number < minimum:
        raise invalid(name, f"{name} darf nicht kleiner als {minimum:g} sein.")
    if number > maximum:
        if clamp:
            return maximum
        raise invalid(name, f"{name} darf nicht größer als {maximum:g} sein.")
    return number


def optional_ags(params: Mapping[str, str], name: str, *, digits: int) -> str | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    pattern = AGS8 if digits == 8 else AGS5
    if not pattern.match(value):
        raise invalid(
            name,
            f"{name}: {digits}-stelliger amtlicher Schlüssel erwartet, z. B. "
            f"{'14612000' if digits == 8 else '14612'}.",
        )
    return value
