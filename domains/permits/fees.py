"""Fees per the commune's Sondernutzungssatzung: dated versions, zone factors, exemptions, minimum and
admin fee.

Money is ``Decimal`` throughout. Rounding, one rule as the Satzung states it: each fee line is rounded
once, commercially to the cent (``ROUND_HALF_UP``, :func:`round_fee_line`); the total is the sum of the
rounded lines, so every printed breakdown adds up — on the page, in the API, the notice and the mail.
Quantities and rates stay exact (a rate of 0.50 € × zone factor 0.45 is 0.225 €). Rules:

* chargeable days are the calendar days (Europe/Berlin) the period touches; a permit from Monday 08:00
  to Monday 18:00 is one day, to Tuesday 00:00 also one day; 29 February is a day like any other;
* the whole application is priced by **one** version of the Satzung: the published version
  (``FeeSchedule``) valid on the first chargeable day, with its tariff for the kind, its zones and its
  exemptions — a period crossing the change date of the Satzung is *not* split. The fee of a special use
  arises when the use is granted for its period (the fee duty starts with the use), so the Satzung in
  force at the start of the use is the one that applies, as the transitional rules of Saxon fee statutes
  state it; splitting per day would also give one notice two legal bases, which the notice could not name;
* ``m2_day``: area × days × rate; the part of the area inside a fee zone is multiplied by its factor;
* ``unit_day`` / ``unit_week`` / ``unit_month`` / ``year``: units × started days / weeks (7 days) /
  months (30 days) / years (365 days) of each tariff segment × rate × the factor of the zone holding
  most of the area;
* if the usage lines sum to less than the minimum fee, a top-up line brings them to it;
* an exemption of the version (``FeeExemption``, e.g. gemeinnützige Veranstaltung −100 %) is one
  negative line: its percentage of the usage fee (with the top-up), rounded like every line;
* the administrative fee is one more line (an exemption does not reduce it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import Q

from domains.permits.models import (
    FeeExemption,
    FeeSchedule,
    FeeScheduleState,
    FeeUnit,
    PermitKind,
    Tariff,
    TariffZone,
)
from kernel.core.amounts import CENT, german_number, round_cents

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
    amount: Decimal  # rounded to the cent by round_fee_line, the only place a line is rounded

    def as_dict(self) -> dict[str, str]:
        """JSON form: decimal strings with a point; the amount always with two decimals ("85.80")."""
        return {
            "label": self.label,
            "quantity": _plain(self.quantity),
            "unit": self.unit,
            "rate": _plain(self.rate),
            "amount": f"{self.amount:.2f}",
        }


@dataclass(frozen=True)
class Fee:
    lines: list[FeeLine]
    total: Decimal
    currency: str = "EUR"
    complete: bool = True  # False when the commune has no published tariff for the kind at the start
    # The version priced by and the exemption applied (not in ``as_dict``: the API shape stays).
    schedule: FeeSchedule | None = None
    exemption: FeeExemption | None = None

    def as_dict(self) -> dict:
        return {
            "total": f"{self.total:.2f}",
            "currency": self.currency,
            "lines": [line.as_dict() for line in self.lines],
            "complete": self.complete,
        }


def round_fee_line(amount: Decimal) -> Decimal:
    """A fee line's amount rounded to the cent, commercially (half up: 85.795 → 85.80, 0.005 → 0.01).

    The one rounding of money in the fee rules: each line once; totals are sums of rounded lines. The
    rule itself is ``kernel.core.amounts.round_cents``, which the printed amounts use as well."""
    return round_cents(amount)


def fee_total(lines: Sequence[FeeLine]) -> Decimal:
    """The total of a breakdown: the sum of its (rounded) lines, with two decimals."""
    return sum((line.amount for line in lines), Decimal("0.00")).quantize(CENT)


def _line(label: str, quantity: Decimal, unit: str, rate: Decimal) -> FeeLine:
    return FeeLine(label, quantity, unit, rate, round_fee_line(quantity * rate))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text or "E" not in text else str(value)


def chargeable_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """Calendar days in the commune's time zone that the period [start, end) touches."""
    tz = ZoneInfo(settings.TIME_ZONE)
    first = start.astimezone(tz).date()
    last = (end.astimezone(tz) - dt.timedelta(microseconds=1)).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


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
            (f"{span}, Zone {z.name} (×{german_number(z.factor)})", z.area_m2, z.factor) for z in zones
        ]
        for label, part_area, factor in parts:
            if part_area <= 0:
                continue
            quantity = part_area * len(days)
            rate = tariff.rate * factor
            lines.append(_line(label, quantity, word, rate))
        return lines
    factor = (
        max(zones, key=lambda z: z.area_m2).factor
        if zones and max(z.area_m2 for z in zones) * 2 > area
        else ONE
    )
    quantity = Decimal(units) * _periods(tariff.unit, len(days))
    rate = tariff.rate * factor
    label = span + (f", Zonenfaktor ×{german_number(factor)}" if factor != ONE else "")
    return [_line(label, quantity, word, rate)]


def fee_schedule_for(*, ags: str, kind: PermitKind, on: dt.date) -> FeeSchedule | None:
    """The published version of the commune's Satzung valid on ``on`` that has a tariff for ``kind``.

    Published versions of one commune never overlap for one kind (``fee_schedule_publish`` refuses it),
    so there is at most one; the newest start wins should old data disagree."""
    return (
        FeeSchedule.objects.filter(
            ags=ags, state=FeeScheduleState.PUBLISHED, valid_from__lte=on, tariffs__kind=kind
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("-valid_from", "-pk")
        .first()
    )


def zone_shares(schedule: FeeSchedule, geom: GEOSGeometry) -> list[ZoneShare]:
    """Area (m², EPSG:25833) of ``geom`` inside each fee zone of the version."""
    sql = f"""
        SELECT name, factor, ST_Area(ST_Intersection(geom, ST_GeomFromEWKB(%s)))
        FROM {TariffZone._meta.db_table}
        WHERE schedule_id = %s AND ST_Intersects(geom, ST_GeomFromEWKB(%s))
        ORDER BY name
    """
    with connection.cursor() as cur:
        cur.execute(sql, [bytes(geom.ewkb), schedule.pk, bytes(geom.ewkb)])
        rows = cur.fetchall()
    return [
        ZoneShare(name=name, factor=factor, area_m2=Decimal(str(round(area, 2))))
        for name, factor, area in rows
        if area > 0
    ]


def _exemption_line(exemption: FeeExemption, subtotal: Decimal) -> FeeLine:
    rate = -exemption.percent / 100
    label = f"Befreiung: {exemption.reason} (−{german_number(exemption.percent)} %)"
    return _line(label, subtotal, "EUR", rate)


def compute_fee(
    *,
    ags: str,
    kind: PermitKind,
    start: dt.datetime,
    end: dt.datetime,
    area_m2: Decimal,
    units: int = 1,
    zones: Sequence[ZoneShare] | None = None,
    geom: GEOSGeometry | None = None,
    schedule: FeeSchedule | None = None,
    exemption: FeeExemption | None = None,
) -> Fee:
    """The fee of an application under the version valid on its first day (or under ``schedule``, a
    draft in the preview). Zones: ``zones`` as given, else the version's zones intersected with
    ``geom`` (EPSG:25833). ``exemption`` counts only if it belongs to the version priced by."""
    days = chargeable_days(start, end)
    if schedule is None:
        schedule = fee_schedule_for(ags=ags, kind=kind, on=days[0])
    tariff = Tariff.objects.filter(schedule=schedule, kind=kind).first() if schedule else None
    if schedule is None or tariff is None:
        return Fee(lines=[], total=Decimal("0.00"), complete=False)
    if zones is None:
        zones = zone_shares(schedule, geom) if geom is not None else []
    lines = _usage_lines(tariff, days, area_m2, units, zones)
    usage = fee_total(lines)  # the rounded usage lines, so the top-up closes exactly to the minimum
    minimum = round_fee_line(tariff.minimum_fee)
    if usage < minimum:
        lines.append(_line("Aufstockung auf die Mindestgebühr", ONE, "pauschal", minimum - usage))
    if exemption is not None and exemption.schedule_id != schedule.pk:
        exemption = None
    if exemption is not None:
        lines.append(_exemption_line(exemption, fee_total(lines)))
    if tariff.admin_fee:
        lines.append(_line("Verwaltungsgebühr", ONE, "pauschal", tariff.admin_fee))
    return Fee(lines=lines, total=fee_total(lines), schedule=schedule, exemption=exemption)
