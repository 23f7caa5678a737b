"""Working days in Saxony: the public holidays computed for any year, and counting working days.

A commune's deadline "3 Arbeitstage" must skip weekends and the Saxon public holidays, including the two
that other Länder do not have (Reformationstag on 31 October, Buß- und Bettag on the Wednesday before
23 November). The holidays are computed from the rules of the Sächsisches Sonn- und Feiertagsgesetz
(SächsSFG § 1), not listed by hand, so no list runs out in some future year. Fronleichnam is a holiday
only in a few Sorbian communes of the Landkreis Bautzen and is left out: we count the statewide days.

A working day (Arbeitstag) is Monday to Friday and not a public holiday; Saturday is not one, as in the
back offices' own reckoning (and as the example in issue #30: 3 working days from Tuesday 17 November 2026
end on Monday 23 November 2026, because 18 November is Buß- und Bettag).

Pure date arithmetic, no Django, no time zones: callers pass local (Europe/Berlin) calendar dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "add_working_days",
    "easter_sunday",
    "is_working_day",
    "saxony_holidays",
    "working_days_between",
]


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the "anonymous Gregorian" computus, Meeus/Jones/Butcher).

    Computed here in a few lines rather than taken from ``dateutil.easter``: dateutil is only a transitive
    dependency, and the algorithm is exact for every Gregorian year (checked in the tests against
    dateutil over four centuries)."""
    a = year % 19  # position in the 19-year Metonic cycle
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30  # epact: days from the equinox to the Paschal full moon
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _buss_und_bettag(year: int) -> dt.date:
    """The Wednesday before 23 November: between 16 and 22 November (never on the 23rd itself)."""
    day = dt.date(year, 11, 22)
    return day - dt.timedelta(days=(day.weekday() - 2) % 7)


@lru_cache(maxsize=256)
def saxony_holidays(year: int) -> Mapping[dt.date, str]:
    """The statewide public holidays of Saxony in ``year``, date → German name, in calendar order
    (read-only: the mapping is cached and shared by every caller)."""
    if year < 1995:
        # SächsSFG in its present form (Buß- und Bettag kept as a holiday when the other Länder dropped it
        # in 1995); older years have no use here and would need other rules.
        raise ValueError(f"Feiertage werden erst ab 1995 berechnet, nicht für {year}.")
    easter = easter_sunday(year)
    days = {
        dt.date(year, 1, 1): "Neujahr",
        easter - dt.timedelta(days=2): "Karfreitag",
        easter + dt.timedelta(days=1): "Ostermontag",
        dt.date(year, 5, 1): "Tag der Arbeit",
        easter + dt.timedelta(days=39): "Christi Himmelfahrt",
        easter + dt.timedelta(days=50): "Pfingstmontag",
        dt.date(year, 10, 3): "Tag der Deutschen Einheit",
        dt.date(year, 10, 31): "Reformationstag",
        _buss_und_bettag(year): "Buß- und Bettag",
        dt.date(year, 12, 25): "1. Weihnachtstag",
        dt.date(year, 12, 26): "2. Weihnachtstag",
    }
    return MappingProxyType(dict(sorted(days.items())))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Saxon public holiday."""
    return day.weekday() < 5 and day not in saxony_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day on which ``days`` working days after ``start`` are over; ``start`` itself does not count
    (a report made on Tuesday with 1 working day is due on Wednesday, or the next working day after it).
    0 days gives ``start`` unchanged."""
    if days < 0:
        raise ValueError("Die Zahl der Arbeitstage darf nicht negativ sein.")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 if ``end`` ≤ ``start``):
    the inverse of :func:`add_working_days`, ``working_days_between(s, add_working_days(s, n)) == n``."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5  # every run of 7 consecutive days holds exactly five weekdays
    day = start + dt.timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += dt.timedelta(days=1)
        count += day.weekday() < 5
    holidays = (
        h
        for year in range(start.year, end.year + 1)
        for h in saxony_holidays(year)
        if start < h <= end and h.weekday() < 5
    )
    return count - sum(1 for _ in holidays)
