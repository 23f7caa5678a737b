"""Saxony's public holidays and working-day arithmetic (issue #30 item 5).

The expected holidays are written out from the official Saxon calendar (SächsSFG; the Staatskanzlei's
Feiertage list), not computed, so a wrong computus or a wrong Buß- und Bettag rule fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kernel.core.workdays import (
    add_working_days,
    easter_sunday,
    is_working_day,
    saxony_holidays,
    working_days_between,
)

D = dt.date

# (Karfreitag, Ostermontag, Christi Himmelfahrt, Pfingstmontag, Buß- und Bettag) per year, as published.
MOVABLE = {
    2026: (D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25), D(2026, 11, 18)),
    2027: (D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17), D(2027, 11, 17)),
    2028: (D(2028, 4, 14), D(2028, 4, 17), D(2028, 5, 25), D(2028, 6, 5), D(2028, 11, 22)),
    2029: (D(2029, 3, 30), D(2029, 4, 2), D(2029, 5, 10), D(2029, 5, 21), D(2029, 11, 21)),
    2030: (D(2030, 4, 19), D(2030, 4, 22), D(2030, 5, 30), D(2030, 6, 10), D(2030, 11, 20)),
}
EASTER = {
    2026: D(2026, 4, 5),
    2027: D(2027, 3, 28),
    2028: D(2028, 4, 16),
    2029: D(2029, 4, 1),
    2030: D(2030, 4, 21),
}


@pytest.mark.parametrize("year", sorted(MOVABLE))
def test_saxon_holidays_2026_to_2030_match_the_official_calendar(year):
    good_friday, easter_monday, ascension, whit_monday, repentance = MOVABLE[year]
    expected = {
        D(year, 1, 1): "Neujahr",
        good_friday: "Karfreitag",
        easter_monday: "Ostermontag",
        D(year, 5, 1): "Tag der Arbeit",
        ascension: "Christi Himmelfahrt",
        whit_monday: "Pfingstmontag",
        D(year, 10, 3): "Tag der Deutschen Einheit",
        D(year, 10, 31): "Reformationstag",
        repentance: "Buß- und Bettag",
        D(year, 12, 25): "1. Weihnachtstag",
        D(year, 12, 26): "2. Weihnachtstag",
    }
    assert saxony_holidays(year) == expected
    assert list(saxony_holidays(year)) == sorted(expected)  # calendar order, for any listing
    assert easter_sunday(year) == EASTER[year]
    with pytest.raises(TypeError):
        saxony_holidays(year)[D(year, 6, 1)] = "Erfunden"  # the cached mapping cannot be changed


def test_buss_und_bettag_is_the_wednesday_before_23_november_for_every_weekday_of_the_23rd():
    for year in range(2026, 2040):
        day = next(d for d, name in saxony_holidays(year).items() if name == "Buß- und Bettag")
        assert day.weekday() == 2 and D(year, 11, 16) <= day <= D(year, 11, 22)
    assert next(d for d, n in saxony_holidays(2028).items() if n == "Buß- und Bettag") == D(2028, 11, 22)


def test_computus_agrees_with_dateutil_over_four_centuries():
    easter = pytest.importorskip("dateutil.easter")  # only a transitive dependency: a cross-check
    assert all(easter_sunday(y) == easter.easter(y) for y in range(1995, 2400))


def test_years_before_the_present_law_are_refused():
    with pytest.raises(ValueError, match="1995"):
        saxony_holidays(1990)


def test_the_issue_example_three_working_days_from_17_november_2026_end_on_monday_23():
    assert D(2026, 11, 17).weekday() == 1  # a Tuesday
    assert not is_working_day(D(2026, 11, 18))  # Buß- und Bettag
    assert add_working_days(D(2026, 11, 17), 3) == D(2026, 11, 23)
    assert working_days_between(D(2026, 11, 17), D(2026, 11, 23)) == 3


def test_weekends_are_skipped_and_the_start_day_does_not_count():
    friday, saturday = D(2027, 1, 15), D(2027, 1, 16)
    assert add_working_days(friday, 1) == D(2027, 1, 18)  # Monday
    assert add_working_days(saturday, 1) == D(2027, 1, 18)
    assert add_working_days(saturday, 5) == D(2027, 1, 22)
    assert add_working_days(friday, 0) == friday
    assert not is_working_day(saturday) and not is_working_day(D(2027, 1, 17))
    with pytest.raises(ValueError):
        add_working_days(friday, -1)


def test_year_boundary_skips_christmas_and_new_year():
    # Wednesday 23 Dec 2026: 24th (Thu), 25th/26th holidays (Fri/Sat), 27th Sun, 28–31 Mon–Thu, 1 Jan Fri.
    assert add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 24)
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 28)
    assert add_working_days(D(2026, 12, 24), 5) == D(2027, 1, 4)  # 28, 29, 30, 31 Dec, then Mon 4 Jan
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 5


def test_easter_and_reformation_day_are_skipped():
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)  # Thu → Good Friday … Easter Monday → Tue
    assert add_working_days(D(2029, 10, 30), 1) == D(2029, 11, 1)  # 31 Oct 2029 is a Wednesday


def test_working_days_between_is_the_inverse_of_adding_them_across_five_years():
    start = D(2026, 1, 1)
    for offset in range(0, 5 * 365, 17):
        day = start + dt.timedelta(days=offset)
        for n in (0, 1, 3, 10, 23):
            assert working_days_between(day, add_working_days(day, n)) == n
    assert working_days_between(D(2026, 5, 1), D(2026, 4, 1)) == 0


def test_a_year_has_its_weekdays_less_the_holidays_on_weekdays():
    # 2026: 261 weekdays; 3 Oct, 31 Oct and 26 Dec fall on Saturdays, so 8 holidays on weekdays.
    assert working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 253
