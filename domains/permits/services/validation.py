"""Checking a permit application's area, period, kind, number of units and applicant, with German
messages per field, and computing its fee. Shared by applying and by staff corrections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.utils import timezone

from domains.permits.fees import Fee, compute_fee
from domains.permits.models import (
    PermitKind,
)
from kernel.addresses.selectors import MAX_QUERY, MIN_QUERY, search
from kernel.boundaries.assignment import AreaAssignment, OutsideSaxony, assign_geometry
from kernel.cases.fields import PHONE_RE, FieldErrors, clean_text
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import to_storage
from kernel.geo.geometry import parse_geojson_geometry
from kernel.geo.srid import API_SRID
from kernel.notifications.services import email_is_valid

MAX_DURATION_DAYS = 730
# Applications are for works and events that are planned, not for a date decades away (a typing error in
# the year, most likely): communes decide on current tariffs and street conditions.
MAX_LEAD_DAYS = 730
EARLIEST_MOMENT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
MIN_WIDTH_M, MAX_WIDTH_M = Decimal("0.5"), Decimal("50")
# The plain way (address plus length × width): a frontage, a container row, a building site.
MIN_LENGTH_M, MAX_LENGTH_M = Decimal("0.5"), Decimal("500")
INSIDE_SAXONY_MIN_SHARE = 0.999


@dataclass(frozen=True)
class PermitArea:
    geom: MultiPolygon  # EPSG:25833
    line: GEOSGeometry | None
    width_m: Decimal | None
    area_m2: Decimal
    assignment: AreaAssignment


def _width(value: Any, errors: FieldErrors) -> Decimal | None:
    text = clean_text(value).replace(",", ".")
    if not text:
        errors.add("width_m", "Für eine Linie bitte die Breite in Metern angeben (width_m).")
        return None
    try:
        width = Decimal(text)
    except ArithmeticError:
        errors.add("width_m", "Die Breite muss eine Zahl in Metern sein.")
        return None
    if not width.is_finite() or not MIN_WIDTH_M <= width <= MAX_WIDTH_M:
        errors.add("width_m", f"Die Breite muss zwischen {MIN_WIDTH_M} und {MAX_WIDTH_M} m liegen.")
        return None
    return width


def _metres(
    value: Any, *, field: str, label: str, low: Decimal, high: Decimal, errors: FieldErrors
) -> Decimal | None:
    """A length in metres typed with comma or point, within [low, high]; else a message on ``field``."""
    text = clean_text(value).replace(",", ".")
    if not text:
        errors.add(field, f"Bitte die {label} in Metern angeben.")
        return None
    try:
        metres = Decimal(text)
    except ArithmeticError:
        errors.add(field, f"Die {label} muss eine Zahl in Metern sein.")
        return None
    if not metres.is_finite() or not low <= metres <= high:
        low_text, high_text = str(low).replace(".", ","), str(high).replace(".", ",")
        errors.add(field, f"Die {label} muss zwischen {low_text} und {high_text} m liegen.")
        return None
    return metres


def area_from_address(address: Any, length_m: Any, width_m: Any, errors: FieldErrors) -> str | None:
    """The plain way to give an area without GIS: a rectangle of length × width metres centred on the
    address point, its length east–west in EPSG:25833 (metres; the address register knows no facade
    direction — staff can correct the area). Returned as GeoJSON in WGS84 so that ``permit_area`` runs
    the same checks (size, Saxony, communes) as for a drawn area. Messages on ``site_address``,
    ``length_m`` and ``width_m``."""
    text = clean_text(address)
    length = _metres(
        length_m, field="length_m", label="Länge", low=MIN_LENGTH_M, high=MAX_LENGTH_M, errors=errors
    )
    width = _metres(
        width_m, field="width_m", label="Breite", low=MIN_WIDTH_M, high=MAX_WIDTH_M, errors=errors
    )
    hits = search(text, limit=5) if MIN_QUERY <= len(text) <= MAX_QUERY else []
    house = next((h for h in hits if h.kind == "address"), None)
    if house is None:
        errors.add(
            "site_address",
            "Diese Adresse wurde nicht gefunden. Bitte Straße, Hausnummer und Ort angeben – "
            "oder die Fläche auf der Karte zeichnen.",
        )
    if house is None or length is None or width is None:
        return None
    centre = to_storage(Point(house.lon, house.lat, srid=API_SRID))
    half_l, half_w = float(length) / 2, float(width) / 2
    x, y = centre.x, centre.y
    ring = (
        (x - half_l, y - half_w),
        (x + half_l, y - half_w),
        (x + half_l, y + half_w),
        (x - half_l, y + half_w),
    )
    rectangle = Polygon((*ring, ring[0]), srid=centre.srid)
    return rectangle.transform(API_SRID, clone=True).json


def _checked_area(geom: GEOSGeometry, kind: PermitKind | None, errors: FieldErrors) -> Decimal | None:
    """Area in m² (EPSG:25833), refused when empty or larger than the kind allows."""
    area = Decimal(str(geom.area)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if area <= 0:
        errors.add("geometry", "Die Fläche ist leer (0 m²).")
        return None
    if kind is not None and area > kind.max_area_m2 and not kind.allows_large_area:
        errors.add(
            "geometry",
            f"Die Fläche ist mit {area:,.0f} m² größer als die für „{kind.name}“ erlaubten "
            f"{kind.max_area_m2:,.0f} m². Bitte teilen Sie den Antrag auf oder wenden Sie sich an die Gemeinde.".replace(
                ",", "."
            ),
        )
        return None
    return area


def permit_area(
    geometry: Any, width_m: Any, kind: PermitKind | None, errors: FieldErrors
) -> PermitArea | None:
    """Validate the requested area; a LineString with a width becomes a flat-ended buffer in EPSG:25833.

    Invalid geometry (self-intersections, empty, outside Saxony, too large) is refused with a message —
    never repaired behind the applicant's back.
    """
    try:
        wgs = parse_geojson_geometry(
            geometry, allowed=("Polygon", "MultiPolygon", "LineString"), field="geometry"
        )
    except ValidationFailed as exc:
        for key, messages in exc.errors.items():
            for message in messages:
                errors.add(key, message)
        return None
    line = width = None
    geom = to_storage(wgs)
    if geom.geom_type == "LineString":
        width = _width(width_m, errors)
        if width is None:
            return None
        line = geom
        # Flat ends and mitred joins: a scaffold along a facade is a rectangle, not a sausage.
        geom = geom.buffer_with_style(float(width) / 2, end_cap_style=2, join_style=2)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    area = _checked_area(geom, kind, errors)
    if area is None:
        return None
    try:
        assignment = assign_geometry(geom, field="geometry")
    except OutsideSaxony as exc:
        errors.add("geometry", exc.message)
        return None
    if assignment.inside_share < INSIDE_SAXONY_MIN_SHARE:
        errors.add("geometry", "Die Fläche liegt teilweise außerhalb Sachsens.")
        return None
    return PermitArea(geom=geom, line=line, width_m=width, area_m2=area, assignment=assignment)


def _moment(value: Any, key: str, errors: FieldErrors) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = clean_text(value)
        if not text:
            errors.add(
                key,
                f"Bitte {'den Beginn' if key == 'start' else 'das Ende'} angeben (z. B. 2026-05-04T07:00).",
            )
            return None
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            errors.add(key, "Datum und Uhrzeit nach ISO 8601 erwartet, z. B. 2026-05-04T07:00.")
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # Python's datetimes end with the year 9999 (and begin with year 1): a moment near either end overflows
    # when the fee's days are counted in local time (OverflowError, a 500). Such a date is a typing error.
    if moment > LATEST_MOMENT:
        errors.add(key, "Das Datum liegt zu weit in der Zukunft.")
        return None
    if moment < EARLIEST_MOMENT:
        errors.add(key, "Das Datum liegt zu weit in der Vergangenheit.")
        return None
    return moment


def permit_period(
    start: Any, end: Any, errors: FieldErrors, *, allow_past: bool = False
) -> tuple[dt.datetime, dt.datetime] | None:
    begin, finish = _moment(start, "start", errors), _moment(end, "end", errors)
    if begin is None or finish is None:
        return None
    if finish <= begin:
        errors.add("end", "Das Ende muss nach dem Beginn liegen.")
        return None
    if not allow_past and begin < timezone.now() - dt.timedelta(hours=1):
        errors.add("start", "Der Beginn liegt in der Vergangenheit.")
        return None
    if begin > timezone.now() + dt.timedelta(days=MAX_LEAD_DAYS):
        errors.add(
            "start",
            f"Anträge sind höchstens {MAX_LEAD_DAYS // 365} Jahre im Voraus möglich; bitte das Jahr prüfen.",
        )
        return None
    if finish - begin > dt.timedelta(days=MAX_DURATION_DAYS):
        errors.add(
            "end", f"Eine Sondernutzung dauert höchstens {MAX_DURATION_DAYS} Tage; bitte Folgeantrag stellen."
        )
        return None
    return begin, finish


def check_kind(value: Any, errors: FieldErrors) -> PermitKind | None:
    if isinstance(value, PermitKind):
        return value
    slug = clean_text(value)
    if not slug:
        errors.add("kind", "Bitte die Art der Sondernutzung wählen.")
        return None
    kind = PermitKind.objects.filter(slug=slug, active=True, is_parking=False).first()
    if kind is None:
        errors.add("kind", f"Unbekannte Art der Sondernutzung „{slug[:60]}“.")
    return kind


def permit_fee(
    area: PermitArea,
    kind: PermitKind,
    start: dt.datetime,
    end: dt.datetime,
    units: int,
    exemption: Any = None,
    errors: FieldErrors | None = None,
) -> Fee:
    """The fee under the version valid on the start date, with the exemption the applicant claims
    (its reason, as the version lists it among the claimable ones; else an error on ``exemption``)."""
    ags = area.assignment.primary.ags
    fee = compute_fee(
        ags=ags, kind=kind, start=start, end=end, area_m2=area.area_m2, units=units, geom=area.geom
    )
    reason = clean_text(exemption)
    if not reason:
        return fee
    claimed = fee.schedule.exemptions.filter(reason=reason, claimable=True).first() if fee.schedule else None
    if claimed is None:
        if errors is not None:
            errors.add("exemption", f"Die Gebührensatzung sieht die Befreiung „{reason[:80]}“ nicht vor.")
        return fee
    return compute_fee(
        ags=ags,
        kind=kind,
        start=start,
        end=end,
        area_m2=area.area_m2,
        units=units,
        geom=area.geom,
        schedule=fee.schedule,
        exemption=claimed,
    )


def check_units(value: Any, errors: FieldErrors) -> int:
    text = clean_text(value) or "1"
    # isascii: str.isdigit also accepts "²", which int() refuses; len: int() refuses > 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= 1000:
        errors.add("units", "Anzahl: ganze Zahl von 1 bis 1000.")
        return 1
    return int(text)


# What the applicant columns hold (Permit and ParkingPermit); longer input is refused, never cut off.
APPLICANT_MAX = {"name": 200, "organisation": 200, "address": 300}
APPLICANT_TOO_LONG = {
    "name": "Der Name darf höchstens 200 Zeichen lang sein.",
    "organisation": "Firma/Verein darf höchstens 200 Zeichen lang sein.",
    "address": "Die Anschrift darf höchstens 300 Zeichen lang sein.",
}


def applicant_fields(data: dict[str, Any], errors: FieldErrors) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}
    out = {k: clean_text(data.get(k)) for k in ("name", "organisation", "email", "phone", "address")}
    if not out["name"]:
        errors.add("applicant.name", "Bitte den Namen der antragstellenden Person angeben.")
    for key, limit in APPLICANT_MAX.items():
        if len(out[key]) > limit:
            errors.add(f"applicant.{key}", APPLICANT_TOO_LONG[key])
    if not out["email"]:
        errors.add(
            "applicant.email", "Bitte eine E-Mail-Adresse angeben; wir senden Ihnen dorthin den Bescheid."
        )
    elif not email_is_valid(out["email"]):
        errors.add("applicant.email", "Bitte eine gültige E-Mail-Adresse angeben.")
    if out["phone"] and not PHONE_RE.match(out["phone"]):
        errors.add("applicant.phone", "Bitte eine gültige Telefonnummer angeben.")
    return out
