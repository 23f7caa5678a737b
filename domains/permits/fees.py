"""Fees per the commune's Sondernutzungssatzung: dated tariffs, zone factors, minimum and admin fee.

Money is ``Decimal`` throughout and rounded to cents exactly once, for the total. Rules:

* chargeable days are the calendar days (Europe/Berlin) the period touches; a permit from Monday 08:00
  to Monday 18:00 is one day, to Tuesday 00:00 also one day; 29 February is a day like any other;
* a period crossing a tariff change is split: each day is charged with the tariff valid on that day;
* ``m2_day``: area × days × rate; the part of the area inside a fee zone is multiplied by its factor;
* ``unit_day`` / ``unit_week`` / ``unit_month`` / ``year``: units × started days / weeks (7 days) /
  months (30 days) / years (365 days) of each tariff segment × rate × the factor of the zone holding
  most of the area;
* if the usage lines sum to less than the minimum fee (of the tariff valid at the start), a top-up line
  brings them to it; the administrative fee (same tariff) is one more line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from domains.permits.models import FeeUnit, PermitKind, Tariff

CENT = Decimal("0.01")
ONE = Decimal(1)


@dataclass(frozen=True)
class ZoneShare:
    name: str
    factor: Decimal
    area_m2: Decimal


@dataclass(frozen=True)
class FeeLine:
    label: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal  # exact; only the total is rounded

    def as_dict(self) -> dict[str, str]:
        return {
            "label": self.label,
            "quantity": _plain(self.quantity),
            "unit": self.unit,
            "rate": _plain(self.rate),
            "amount": _plain(self.amount),
        }


@dataclass(frozen=True)
class Fee:
    lines: list[FeeLine]
    total: Decimal
    currency: str = "EUR"
    complete: bool = True  # False when the commune has no tariff for (part of) the period

    def as_dict(self) -> dict:
        return {
            "total": str(self.total),
            "currency": self.currency,
            "lines": [line.as_dict() for line in self.lines],
            "complete": self.complete,
        }


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text or "E" not in text else str(value)


def chargeable_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """Calendar days in the commune's time zone that the period [start, end) touches."""
    tz = ZoneInfo(settings.TIME_ZONE)
    first = start.astimezone(tz).date()
    last = (end.astimezone(tz) - dt.timedelta(microseconds=1)).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _segments(days: list[dt.date], tariffs: Sequence[Tariff]) -> list[tuple[Tariff | None, list[dt.date]]]:
    """Consecutive runs of days charged under the same tariff version (None: no tariff)."""
    segments: list[tuple[Tariff | None, list[dt.date]]] = []
    for day in days:
        tariff = next(
            (t for t in tariffs if t.valid_from <= day and (t.valid_to is None or day < t.valid_to)), None
        )
        if segments and segments[-1][0] is tariff:
            segments[-1][1].append(day)
        else:
            segments.append((tariff, [day]))
    return segments


def _periods(unit: str, days: int) -> Decimal:
    if unit == FeeUnit.UNIT_WEEK:
        return Decimal(math.ceil(days / 7))
    if unit == FeeUnit.UNIT_MONTH:
        return Decimal(math.ceil(days / 30))
    if unit == FeeUnit.YEAR:
        return Decimal(math.ceil(days / 365))
    return Decimal(days)


UNIT_WORDS = {
    FeeUnit.M2_DAY: "m²·Tage",
    FeeUnit.UNIT_DAY: "Stück·Tage",
    FeeUnit.UNIT_WEEK: "Stück·Wochen",
    FeeUnit.UNIT_MONTH: "Stück·Monate",
    FeeUnit.YEAR: "Stück·Jahre",
}


def _usage_lines(
    tariff: Tariff, days: list[dt.date], area: Decimal, units: int, zones: Sequence[ZoneShare]
) -> list[FeeLine]:
    span = f"{days[0]:%d.%m.%Y}–{days[-1]:%d.%m.%Y}" if len(days) > 1 else f"{days[0]:%d.%m.%Y}"
    word = UNIT_WORDS[tariff.unit]
    lines = []
    if tariff.unit == FeeUnit.M2_DAY:
        zoned = sum((z.area_m2 for z in zones), Decimal(0))
        parts = [(f"{span}", max(area - zoned, Decimal(0)), ONE)] + [
            (f"{span}, Zone {z.name} (×{_plain(z.factor)})", z.area_m2, z.factor) for z in zones
        ]
        for label, part_area, factor in parts:
            if part_area <= 0:
                continue
            quantity = part_area * len(days)
            rate = tariff.rate * factor
            lines.append(FeeLine(label, quantity, word, rate, quantity * rate))
        return lines
    factor = (
        max(zones, key=lambda z: z.area_m2).factor
        if zones and max(z.area_m2 for z in zones) * 2 > area
        else ONE
    )
    quantity = Decimal(units) * _periods(tariff.unit, len(days))
    rate = tariff.rate * factor
    label = span + (f", Zonenfaktor ×{_plain(factor)}" if factor != ONE else "")
    return [FeeLine(label, quantity, word, rate, quantity * rate)]


def compute_fee(
    *,
    ags: str,
    kind: PermitKind,
    start: dt.datetime,
    end: dt.datetime,
    area_m2: Decimal,
    units: int = 1,
    zones: Sequence[ZoneShare] = (),
) -> Fee:
    days = chargeable_days(start, end)
    tariffs = list(
        Tariff.objects.filter(ags=ags, kind=kind, valid_from__lte=days[-1])
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=days[0]))
        .order_by("valid_from")
    )
    segments = _segments(days, tariffs)
    if any(tariff is None for tariff, _ in segments):
        return Fee(lines=[], total=Decimal("0.00"), complete=False)
    lines: list[FeeLine] = []
    for tariff, seg_days in segments:
        assert tariff is not None
        lines.extend(_usage_lines(tariff, seg_days, area_m2, units, zones))
    first = segments[0][0]
    assert first is not None
    usage = sum((line.amount for line in lines), Decimal(0))
    if usage < first.minimum_fee:
        lines.append(
            FeeLine(
                "Aufstockung auf die Mindestgebühr",
                ONE,
                "pauschal",
                first.minimum_fee - usage,
                first.minimum_fee - usage,
            )
        )
    if first.admin_fee:
        lines.append(FeeLine("Verwaltungsgebühr", ONE, "pauschal", first.admin_fee, first.admin_fee))
    total = sum((line.amount for line in lines), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Fee(lines=lines, total=total)
