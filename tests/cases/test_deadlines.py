"""Case deadlines from a moment: working vs calendar days, end of a Berlin day, the Rückfrage pause."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel.cases.deadlines import DeadlineUnit, due_after_pause, due_from, end_of_day, local_date

BERLIN = ZoneInfo("Europe/Berlin")
WORKING, CALENDAR = DeadlineUnit.WORKING, DeadlineUnit.CALENDAR


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def test_three_working_days_from_tuesday_17_november_2026_end_monday_23_november_end_of_day():
    due = due_from(berlin(2026, 11, 17, 9, 30), 3, WORKING)
    assert due == berlin(2026, 11, 23, 23, 59, 59, 999999)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 22, 59, 59, 999999, tzinfo=dt.UTC)  # CET


def test_calendar_days_count_weekends_and_holidays():
    assert due_from(berlin(2026, 11, 17, 9, 30), 3, CALENDAR) == berlin(2026, 11, 20, 23, 59, 59, 999999)
    assert due_from(berlin(2026, 12, 30, 12), 3, CALENDAR).date() == dt.date(2027, 1, 2)
    assert due_from(berlin(2026, 12, 30, 12), 3, WORKING).date() == dt.date(2027, 1, 5)  # 31 Dec, 4, 5 Jan


def test_the_saxon_date_counts_not_the_utc_date():
    # 23:30 on Tuesday 17 Nov in Berlin is still Tuesday, though UTC says 22:30 — and 00:30 on Wednesday
    # Berlin (Buß- und Bettag) is Tuesday 23:30 in UTC: the holiday is the start day, Thu–Fri–Mon follow.
    late_tuesday = dt.datetime(2026, 11, 17, 22, 30, tzinfo=dt.UTC)
    early_wednesday = dt.datetime(2026, 11, 17, 23, 30, tzinfo=dt.UTC)
    assert local_date(early_wednesday) == dt.date(2026, 11, 18)
    assert due_from(late_tuesday, 3, WORKING).date() == dt.date(2026, 11, 23)
    assert due_from(early_wednesday, 3, WORKING).date() == dt.date(2026, 11, 23)
    assert due_from(early_wednesday, 4, WORKING).date() == dt.date(2026, 11, 24)
    with pytest.raises(ValueError):
        local_date(dt.datetime(2026, 11, 17, 12))  # naive: which day would it be?


def test_end_of_day_across_daylight_saving_changes():
    assert end_of_day(dt.date(2026, 3, 29)).utcoffset() == dt.timedelta(hours=2)  # CEST from this morning
    assert end_of_day(dt.date(2026, 10, 25)).utcoffset() == dt.timedelta(hours=1)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        due_from(berlin(2026, 1, 5, 8), 3, "weeks")


def test_a_pause_adds_its_working_days_back_in_working_day_mode():
    due = due_from(berlin(2026, 11, 10, 8), 5, WORKING)  # Tue 10 Nov + 5 → Tue 17 Nov
    assert due.date() == dt.date(2026, 11, 17)
    # Asked Friday 13 Nov, answered Tuesday 17 Nov: Mon 16 and Tue 17 were lost → two working days more,
    # Wed 18 is Buß- und Bettag, so Thu 19, Fri 20.
    extended = due_after_pause(
        due, paused_from=berlin(2026, 11, 13, 15), paused_until=berlin(2026, 11, 17, 10), unit=WORKING
    )
    assert extended == berlin(2026, 11, 20, 23, 59, 59, 999999)


def test_a_pause_over_a_weekend_and_holiday_only_costs_no_working_day():
    due = berlin(2026, 12, 31, 23, 59, 59, 999999)
    paused = {"paused_from": berlin(2026, 12, 24, 16), "paused_until": berlin(2026, 12, 27, 18)}
    assert due_after_pause(due, **paused, unit=WORKING) == due  # 25, 26, 27 Dec: none is a working day
    assert due_after_pause(due, **paused, unit=CALENDAR) == berlin(2027, 1, 3, 23, 59, 59, 999999)


def test_a_pause_in_calendar_mode_adds_calendar_days():
    due = due_from(berlin(2026, 11, 1, 8), 14, CALENDAR)  # 15 Nov
    extended = due_after_pause(
        due, paused_from=berlin(2026, 11, 5, 20), paused_until=berlin(2026, 11, 9, 7), unit=CALENDAR
    )
    assert extended.date() == dt.date(2026, 11, 19)


def test_a_pause_within_one_day_or_without_a_deadline_changes_nothing():
    due = berlin(2026, 11, 23, 23, 59, 59, 999999)
    same_day = {"paused_from": berlin(2026, 11, 19, 8), "paused_until": berlin(2026, 11, 19, 17)}
    assert due_after_pause(due, **same_day, unit=WORKING) == due
    assert due_after_pause(due, **same_day, unit=CALENDAR) == due
    assert due_after_pause(None, **same_day, unit=WORKING) is None
    backwards = {"paused_from": berlin(2026, 11, 20, 8), "paused_until": berlin(2026, 11, 19, 8)}
    assert due_after_pause(due, **backwards, unit=CALENDAR) == due
