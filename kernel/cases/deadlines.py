"""Case deadlines: "N Arbeitstage" or "N Kalendertage" from a moment, due at the end of a Saxon day.

Every case type with a deadline (reports today) reckons the same way, so the rule lives in the kernel: the
days are counted on local dates in Europe/Berlin — the Saxon holidays are local days, whatever the server's
``TIME_ZONE`` is — and a deadline ends at the end of its last day (23:59:59.999999 Berlin time), so a case
due "on Monday" is not overdue at Monday noon. The day a case arrives does not count.

While a case waits for the reporter (Rückfrage) its clock stops; :func:`due_after_pause` gives the deadline
pushed back by the paused time, in the same unit as the deadline itself.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models

from kernel.core.workdays import add_working_days, working_days_between

__all__ = ["SAXONY_TZ", "DeadlineUnit", "due_after_pause", "due_from", "end_of_day", "local_date"]

SAXONY_TZ = ZoneInfo("Europe/Berlin")


class DeadlineUnit(models.TextChoices):
    """How a deadline's days are counted. Calendar days were the only kind before working days came."""

    CALENDAR = "calendar", "Kalendertage"
    WORKING = "working", "Arbeitstage"


def local_date(moment: dt.datetime) -> dt.date:
    """The Saxon calendar date of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("Fristen brauchen einen Zeitpunkt mit Zeitzone.")
    return moment.astimezone(SAXONY_TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Europe/Berlin (aware); DST days are handled by zoneinfo."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SAXONY_TZ)


def _add(day: dt.date, days: int, unit: str) -> dt.date:
    if unit == DeadlineUnit.WORKING:
        return add_working_days(day, days)
    if unit == DeadlineUnit.CALENDAR:
        return day + dt.timedelta(days=days)
    raise ValueError(f"Unbekannte Fristart: {unit!r}")


def due_from(start: dt.datetime, days: int, unit: str) -> dt.datetime:
    """The deadline ``days`` days (working or calendar, per ``unit``) after ``start``, end of that day.

    3 working days from Tuesday 17 November 2026 (any time of day) end on Monday 23 November 2026,
    23:59:59.999999 Berlin time: 18 November is Buß- und Bettag and the weekend does not count."""
    return end_of_day(_add(local_date(start), days, unit))


def due_after_pause(
    due: dt.datetime | None, *, paused_from: dt.datetime, paused_until: dt.datetime, unit: str
) -> dt.datetime | None:
    """``due`` pushed back by the time a case was paused (waiting for the reporter's answer).

    The paused time is measured in the deadline's own unit on Saxon dates: in working-day mode the working
    days after the day the pause began up to and including the day it ended are added back as working days
    (paused Friday → answered Tuesday: Monday and Tuesday, 2 days); in calendar mode the calendar days
    between the two dates. A pause that begins and ends on the same day adds nothing — a deadline is
    counted in whole days. A case without a deadline keeps none."""
    if due is None:
        return None
    start, end = local_date(paused_from), local_date(paused_until)
    if unit == DeadlineUnit.WORKING:
        lost = working_days_between(start, end)
    elif unit == DeadlineUnit.CALENDAR:
        lost = max((end - start).days, 0)
    else:
        raise ValueError(f"Unbekannte Fristart: {unit!r}")
    if lost == 0:
        return due
    return end_of_day(_add(local_date(due), lost, unit))
