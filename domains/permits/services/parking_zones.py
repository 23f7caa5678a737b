"""A commune's resident parking zones by upload: file → draft → column choice → review → publish.

The file is read by ``kernel.geo.vector_files`` (GDAL with one driver, CRS only by EPSG code from a
whitelist, invalid polygons refused). The draft keeps the features in EPSG:25833 until an admin has chosen
which attribute is the zone's name, code and fee, and has looked at them on the map. Publishing replaces the
whole set at once: the current zones are *ended* (``active=False``, ``valid_to`` today), not deleted,
because issued permits point at them (``ParkingPermit.zone``, PROTECT) and stay valid to their own end.
Every step is audited; every refusal is a German ``ValidationFailed`` and leaves the zones as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from domains.permits.models import ParkingZone, ParkingZoneDraft, ParkingZoneDraftZone
from kernel.core.amounts import as_decimal, german_decimal
from kernel.core.errors import ValidationFailed
from kernel.geo.vector_files import read_polygon_file
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation, OrganisationKind
from kernel.organisations.scoping import require_admin
from kernel.organisations.territory import AREA_TOLERANCE_M, area_outside

MAX_FEE = Decimal("10000")
CODE_RE = re.compile(r"^[A-Za-z0-9ÄÖÜäöü_-]{1,20}$")
# Attribute names a GIS export usually has, tried in order for the first column choice (lower case).
GUESS = {
    "name": ("name", "bezeichnung", "gebiet", "zone", "zonenname", "bez"),
    "code": ("code", "kennung", "kuerzel", "kürzel", "nr", "nummer", "id"),
    "fee": ("gebuehr", "gebühr", "fee", "preis", "jahresgebuehr", "jahresgebühr", "betrag"),
}


def _commune(organisation: Organisation) -> str:
    if organisation.kind != OrganisationKind.COMMUNE or not organisation.ags:
        raise ValidationFailed({"file": ["Bewohnerparkgebiete gibt es nur für Gemeinden."]})
    return organisation.ags


def _guess(columns: list[str], kind: str) -> str:
    by_lower = {c.lower(): c for c in columns}
    return next((by_lower[g] for g in GUESS[kind] if g in by_lower), "")


def parking_zones_upload(*, actor: Any, organisation: Organisation, uploaded_file: Any) -> ParkingZoneDraft:
    """Read the file into the organisation's draft (replacing an earlier draft); columns pre-chosen by name."""
    require_admin(actor, organisation.pk)
    ags = _commune(organisation)
    read = read_polygon_file(uploaded_file)  # ValidationFailed on "file" before anything is written
    with transaction.atomic():
        ParkingZoneDraft.objects.filter(organisation=organisation).delete()
        draft = ParkingZoneDraft.objects.create(
            organisation=organisation,
            ags=ags,
            uploaded_by=actor,
            file_name=str(getattr(uploaded_file, "name", ""))[:200],
            file_format=read.format_name,
            source_epsg=read.source_epsg,
            columns=read.fields,
            name_column=_guess(read.fields, "name"),
            code_column=_guess(read.fields, "code"),
            fee_column=_guess(read.fields, "fee"),
        )
        ParkingZoneDraftZone.objects.bulk_create(
            ParkingZoneDraftZone(draft=draft, number=f.number, properties=f.properties, geom=f.geometry)
            for f in read.features
        )
        audit(
            actor=actor,
            action="parking_zones.upload",
            obj=draft,
            organisation=organisation,
            summary=f"Bewohnerparkgebiete hochgeladen: {len(read.features)} Gebiete ({read.format_name}, "
            f"EPSG:{read.source_epsg})",
            file_name=draft.file_name,
            zones=len(read.features),
        )
    return draft


def parking_zones_choose_columns(
    *, actor: Any, draft: ParkingZoneDraft, name_column: str, code_column: str, fee_column: str
) -> ParkingZoneDraft:
    """Which attribute is the name (required), the code and the fee (optional: numbered / tariff)."""
    require_admin(actor, draft.organisation_id)
    errors: dict[str, list[str]] = {}
    for key, value in (
        ("name_column", name_column),
        ("code_column", code_column),
        ("fee_column", fee_column),
    ):
        if value and value not in draft.columns:
            errors[key] = [f"Die Datei hat keine Spalte „{value[:100]}“."]
    if not name_column:
        errors.setdefault("name_column", ["Bitte die Spalte mit dem Namen des Gebiets wählen."])
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        ParkingZoneDraft.objects.filter(pk=draft.pk).update(
            name_column=name_column, code_column=code_column, fee_column=fee_column
        )
        draft.refresh_from_db()
        audit(
            actor=actor,
            action="parking_zones.columns",
            obj=draft,
            organisation=draft.organisation_id,
            summary=f"Spalten gewählt: Name „{name_column}“, Kennung „{code_column or '–'}“, "
            f"Gebühr „{fee_column or '–'}“",
        )
    return draft


@dataclass
class ZoneReview:
    """One draft zone as it would be published, with what stands in the way (German sentences)."""

    number: int
    name: str
    code: str
    fee: Decimal | None
    area_m2: float
    outside_m2: float
    geom: Any
    problems: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _fee(value: Any, number: int, problems: list[str]) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    fee = (
        as_decimal(_text(value).replace(",", "."))
        if not isinstance(value, int | float)
        else as_decimal(value)
    )
    if fee is None or not (Decimal(0) <= fee <= MAX_FEE):
        problems.append(
            f"Gebiet Nr. {number}: Die Gebühr „{_text(value)[:30]}“ ist kein Betrag zwischen 0 und 10.000 €."
        )
        return None
    return fee.quantize(Decimal("0.01"))


def _zone_review(
    draft: ParkingZoneDraft, zone: ParkingZoneDraftZone, organisation: Organisation
) -> ZoneReview:
    props, number, problems = zone.properties, zone.number, []
    name = _text(props.get(draft.name_column)) if draft.name_column else ""
    if not name or len(name) > 120:
        problems.append(f"Gebiet Nr. {number}: Der Name fehlt oder ist länger als 120 Zeichen.")
    code = _text(props.get(draft.code_column)) if draft.code_column else str(number)
    if code.endswith(".0") and isinstance(props.get(draft.code_column), float):
        code = code[:-2]  # a number column exported as 1.0
    if not CODE_RE.match(code):
        problems.append(
            f"Gebiet Nr. {number}: Die Kennung „{code[:30]}“ ist ungültig (1–20 Buchstaben, Ziffern, - oder _)."
        )
    fee = _fee(props.get(draft.fee_column), number, problems) if draft.fee_column else None
    outside = area_outside(organisation, zone.geom)
    if not outside.has_territory:
        problems.append(f"Für {organisation.name} ist kein Gemeindegebiet hinterlegt.")
    elif not outside.within_tolerance:
        problems.append(
            f"Gebiet Nr. {number} „{name[:60]}“ liegt mit {german_decimal(outside.outside_m2, 0)} m² "
            f"außerhalb des Gemeindegebiets von {organisation.name} (Toleranz "
            f"{german_decimal(AREA_TOLERANCE_M, 0)} m an der Grenze)."
        )
    return ZoneReview(
        number=number,
        name=name,
        code=code,
        fee=fee,
        area_m2=outside.area_m2,
        outside_m2=outside.outside_m2,
        geom=zone.geom,
        problems=problems,
    )


def parking_zones_review(draft: ParkingZoneDraft) -> list[ZoneReview]:
    """Every draft zone with its name, code, fee, area and the m² outside the commune (PostGIS, EPSG:25833);
    duplicate codes are a problem of each zone that repeats one."""
    organisation = draft.organisation
    reviews = [_zone_review(draft, zone, organisation) for zone in draft.zones.all()]
    seen: dict[str, int] = {}
    for review in reviews:
        if review.code in seen:
            review.problems.append(
                f"Gebiet Nr. {review.number}: Die Kennung „{review.code}“ hat schon Gebiet Nr. {seen[review.code]}."
            )
        seen.setdefault(review.code, review.number)
    return reviews


def parking_zones_publish(*, actor: Any, draft: ParkingZoneDraft) -> list[ParkingZone]:
    """Replace the commune's zones by the draft's, in one transaction: refused (nothing changed) while any
    zone has a problem. The current zones are ended, not deleted; their permits keep their validity."""
    require_admin(actor, draft.organisation_id)
    with transaction.atomic():
        draft = ParkingZoneDraft.objects.select_for_update().select_related("organisation").get(pk=draft.pk)
        reviews = parking_zones_review(draft)
        problems = [p for r in reviews for p in r.problems]
        if problems:
            raise ValidationFailed({"publish": problems})
        today = timezone.localdate()
        current = ParkingZone.objects.select_for_update().filter(ags=draft.ags, valid_to__isnull=True)
        ended = list(current.order_by("code").values_list("code", flat=True))
        current.update(active=False, valid_to=today)
        zones = ParkingZone.objects.bulk_create(
            ParkingZone(
                ags=draft.ags, code=r.code, name=r.name, geom=r.geom, fee=r.fee, active=True, valid_from=today
            )
            for r in reviews
        )
        audit(
            actor=actor,
            action="parking_zones.publish",
            obj=draft.organisation,
            organisation=draft.organisation,
            summary=f"Bewohnerparkgebiete veröffentlicht: {len(zones)} neu, {len(ended)} beendet",
            published=[z.code for z in zones],
            ended=ended,
            file_name=draft.file_name,
        )
        draft.delete()
    return zones


def parking_zones_discard(*, actor: Any, draft: ParkingZoneDraft) -> None:
    """Throw the unpublished upload away (the published zones stay as they are)."""
    require_admin(actor, draft.organisation_id)
    with transaction.atomic():
        audit(
            actor=actor,
            action="parking_zones.discard",
            obj=draft,
            organisation=draft.organisation_id,
            summary=f"Entwurf Bewohnerparkgebiete verworfen ({draft.file_name})",
        )
        draft.delete()
