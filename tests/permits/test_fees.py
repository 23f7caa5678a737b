"""Fee rules: minimum fee, one version per application, zone factors, leap day, each line rounded once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from domains.permits.fees import ZoneShare, chargeable_days, compute_fee
from domains.permits.models import FeeSchedule, FeeUnit, PermitKind, Tariff

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
AGS = "14612000"


def at(y, m, d, h=0, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=BERLIN)


@pytest.fixture
def kind():
    return PermitKind.objects.create(slug="testkind", name="Testnutzung", unit=FeeUnit.M2_DAY)


def tariff(kind, valid_from, rate, *, valid_to=None, unit=FeeUnit.M2_DAY, minimum="0", admin="0"):
    schedule = FeeSchedule.objects.create(
        ags=AGS,
        title=f"Satzung ab {valid_from}",
        satzung_date=valid_from,
        valid_from=valid_from,
        valid_to=valid_to,
        state="published",
    )
    return Tariff.objects.create(
        schedule=schedule,
        kind=kind,
        rate=D(rate),
        unit=unit,
        minimum_fee=D(minimum),
        admin_fee=D(admin),
    )


def test_chargeable_days_are_calendar_days_touched_in_berlin():
    assert len(chargeable_days(at(2026, 3, 2, 8), at(2026, 3, 2, 18))) == 1
    assert len(chargeable_days(at(2026, 3, 2, 8), at(2026, 3, 3, 0))) == 1
    assert len(chargeable_days(at(2026, 3, 2, 23), at(2026, 3, 3, 1))) == 2
    # 23:30 UTC on 1 March is already 2 March in Berlin.
    utc = dt.UTC
    assert chargeable_days(
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=utc), dt.datetime(2026, 3, 2, 1, tzinfo=utc)
    ) == [dt.date(2026, 3, 2)]


def test_simple_area_fee_with_admin_fee(kind):
    tariff(kind, dt.date(2024, 1, 1), "0.15", admin="25.00")
    fee = compute_fee(ags=AGS, kind=kind, start=at(2026, 5, 4, 7), end=at(2026, 5, 8, 18), area_m2=D("20"))
    # 20 m² × 5 days × 0.15 € = 15.00 €, plus 25.00 €.
    assert fee.total == D("40.00")
    assert [line.amount for line in fee.lines] == [D("15.00"), D("25.00")]


def test_minimum_fee_tops_up_the_usage(kind):
    tariff(kind, dt.date(2024, 1, 1), "0.15", minimum="20.00", admin="25.00")
    fee = compute_fee(ags=AGS, kind=kind, start=at(2026, 5, 4, 7), end=at(2026, 5, 4, 18), area_m2=D("10"))
    # Usage 1.50 € < 20.00 € minimum: top-up of 18.50 €.
    assert [line.label for line in fee.lines] == [
        "04.05.2026",
        "Aufstockung auf die Mindestgebühr",
        "Verwaltungsgebühr",
    ]
    assert fee.lines[1].amount == D("18.50")
    assert fee.total == D("45.00")


def test_a_period_crossing_a_change_of_the_satzung_is_priced_by_the_version_at_its_start(kind):
    tariff(kind, dt.date(2024, 1, 1), "0.10", valid_to=dt.date(2027, 1, 1))
    tariff(kind, dt.date(2027, 1, 1), "0.20")
    fee = compute_fee(ags=AGS, kind=kind, start=at(2026, 12, 30, 8), end=at(2027, 1, 2, 12), area_m2=D("10"))
    assert [(line.label, line.rate, line.amount) for line in fee.lines] == [
        ("30.12.2026–02.01.2027", D("0.10"), D("4.00")),
    ]
    assert fee.total == D("4.00")
    assert fee.schedule.valid_from == dt.date(2024, 1, 1)


def test_zone_factor_applies_to_the_part_inside_the_zone(kind):
    tariff(kind, dt.date(2024, 1, 1), "1.00")
    fee = compute_fee(
        ags=AGS,
        kind=kind,
        start=at(2026, 6, 1, 8),
        end=at(2026, 6, 2, 8),
        area_m2=D("10"),
        zones=[ZoneShare("Innenstadt", D("1.5"), D("4"))],
    )
    # 2 days (8:00 to 8:00 touches two dates): 6 m² × 2 × 1.00 + 4 m² × 2 × 1.50.
    assert [line.amount for line in fee.lines] == [D("12.00"), D("12.00")]
    assert fee.total == D("24.00")


def test_leap_day_is_charged_like_any_other_day(kind):
    tariff(kind, dt.date(2024, 1, 1), "1.00")
    fee = compute_fee(ags=AGS, kind=kind, start=at(2028, 2, 28, 8), end=at(2028, 3, 1, 8), area_m2=D("1"))
    assert fee.lines[0].quantity == D("3")  # 28 Feb, 29 Feb, 1 Mar
    assert fee.total == D("3.00")


def test_each_line_is_rounded_half_up_and_the_total_is_their_sum(kind):
    # 3 lines of 0.005 € each: each is rounded once, commercially, to 0.01 €; the total is the sum of the
    # printed lines (0.03 €), not the rounded exact sum (0.02 €), which no reader could add up.
    tariff(kind, dt.date(2024, 1, 1), "0.001")
    zones = [ZoneShare("A", D("1"), D("5")), ZoneShare("B", D("1"), D("5"))]
    fee = compute_fee(
        ags=AGS, kind=kind, start=at(2026, 7, 1, 8), end=at(2026, 7, 1, 9), area_m2=D("15"), zones=zones
    )
    assert [line.amount for line in fee.lines] == [D("0.01"), D("0.01"), D("0.01")]
    assert fee.total == D("0.03")


def test_the_issue_permit_adds_up(kind):
    # Issue 26: 381.33 m² × 1 day × 0.225 € (0.50 € × zone factor 0.45) = 85.79925 €, shown as 85,79 and
    # 85,80 in different places, with a total of 110,80 € that the lines did not add up to.
    tariff(kind, dt.date(2024, 1, 1), "0.50", admin="25.00")
    fee = compute_fee(
        ags=AGS,
        kind=kind,
        start=at(2026, 6, 1, 8),
        end=at(2026, 6, 1, 18),
        area_m2=D("381.33"),
        zones=[ZoneShare("Innenstadt", D("0.45"), D("381.33"))],
    )
    assert [(line.rate, line.amount) for line in fee.lines] == [
        (D("0.225"), D("85.80")),
        (D("25.00"), D("25.00")),
    ]
    assert fee.total == D("110.80")
    assert fee.as_dict()["lines"][0] | {"label": ""} == {
        "label": "",
        "quantity": "381.33",
        "unit": "m²·Tage",
        "rate": "0.225",
        "amount": "85.80",
    }
    assert fee.as_dict()["total"] == "110.80"


def test_the_minimum_top_up_closes_the_rounded_lines_exactly(kind):
    tariff(kind, dt.date(2024, 1, 1), "0.333", minimum="20.00")
    fee = compute_fee(ags=AGS, kind=kind, start=at(2026, 5, 4, 7), end=at(2026, 5, 4, 18), area_m2=D("5"))
    # 5 × 0.333 = 1.665 → 1.67 €; top-up 18.33 €; total exactly the minimum.
    assert [line.amount for line in fee.lines] == [D("1.67"), D("18.33")]
    assert fee.total == D("20.00")


def test_unit_based_periods(kind):
    tariff(kind, dt.date(2024, 1, 1), "15.00", unit=FeeUnit.UNIT_MONTH)
    fee = compute_fee(ags=AGS, kind=kind, start=at(2026, 4, 1), end=at(2026, 5, 10), area_m2=D("1"), units=2)
    # 39 days → 2 started 30-day months × 2 units × 15 €.
    assert fee.lines[0].quantity == D("4") and fee.total == D("60.00")


def test_missing_tariff_gives_an_incomplete_fee(kind):
    tariff(kind, dt.date(2027, 1, 1), "1.00")
    fee = compute_fee(ags=AGS, kind=kind, start=at(2026, 12, 30), end=at(2027, 1, 2), area_m2=D("1"))
    assert fee.complete is False and fee.total == D("0.00") and fee.lines == []
