"""A commune's own Satzung: drafts of a new version, their tariffs, zones and exemptions, publishing.

Written by the commune's admins on ``/verwaltung/einstellungen/gebuehren/``. Rules:

* a draft is copied from the version valid today (or the newest published one), so a change of the
  Satzung starts from what is in force; a version's period is [valid_from, valid_to), valid_to open or
  after valid_from;
* only drafts change; a published version is binding for the applications priced by it and stays as it
  is — except that publishing a successor ends an open-ended predecessor on the successor's first day
  (the new Satzung replaces the old one; both changes in one transaction, both audited);
* published versions of a commune never overlap for one kind: publishing refuses it with a German
  message that names the other version;
* every input error is a ``ValidationFailed`` with German messages per field, and nothing is saved.

Amounts accept the decimal comma ("0,15", "1.234,50"); rates ≥ 0 with up to 4 decimals, fees with 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from domains.permits.fees import Fee, ZoneShare, compute_fee
from domains.permits.models import (
    FeeExemption,
    FeeSchedule,
    FeeScheduleState,
    FeeUnit,
    PermitKind,
    Tariff,
    TariffZone,
)
from domains.permits.selectors import permit_kinds_for_tariffs
from kernel.cases.fields import FieldErrors, clean_text
from kernel.core.amounts import german_number
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import parse_lon_lat, to_storage
from kernel.geo.geometry import parse_geojson_geometry
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation, OrganisationKind
from kernel.organisations.scoping import Forbidden, require_admin
from kernel.organisations.territory import require_inside_territory

RATE_MAX = Decimal("100000")
FACTOR_MAX = Decimal("100")


def _date(
    value: Any, field: str, label: str, errors: FieldErrors, *, required: bool = True
) -> dt.date | None:
    """A date as the form sends it (ISO "2026-03-12", or German "12.03.2026")."""
    text = clean_text(value)
    if not text:
        if required:
            errors.add(field, f"Bitte {label} angeben.")
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors.add(field, f"{label}: bitte ein Datum wie 12.03.2026 angeben.")
    return None


def parse_amount(
    value: Any, field: str, label: str, errors: FieldErrors, *, places: int = 2, maximum: Decimal = RATE_MAX
) -> Decimal | None:
    """A non-negative amount with the decimal comma or point ("0,15", "1.234,50", "12.5")."""
    text = clean_text(value).replace(" ", "").replace("\u00a0", "").removesuffix("€")
    if not text:
        errors.add(field, f"Bitte {label} angeben (0, wenn keine).")
        return None
    if "," in text and "." in text and text.rindex(".") > text.rindex(","):
        text = text.replace(",", "")  # English grouping: 1,234.50
    elif "," in text:
        text = text.replace(".", "").replace(",", ".")  # German: points group thousands, 1.234,50
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.add(field, f"{label}: bitte eine Zahl angeben, z. B. 0,15.")
        return None
    if number < 0:
        errors.add(field, f"{label} darf nicht negativ sein.")
        return None
    if number >= maximum or number.as_tuple().exponent < -places:
        errors.add(
            field, f"{label}: höchstens {places} Nachkommastellen und kleiner als {german_number(maximum)}."
        )
        return None
    return number


def _commune_admin(actor: Any, organisation: Organisation) -> None:
    require_admin(actor, organisation.pk)
    if organisation.kind != OrganisationKind.COMMUNE or not organisation.ags:
        raise Forbidden("Eine Gebührensatzung hat nur eine Gemeinde.")


def _locked_draft(actor: Any, organisation: Organisation, schedule: FeeSchedule) -> FeeSchedule:
    """The draft, row-locked, of the admin's own commune; a published version is never changed."""
    _commune_admin(actor, organisation)
    locked = FeeSchedule.objects.select_for_update().get(pk=schedule.pk)
    if locked.ags != organisation.ags:
        raise Forbidden("Diese Fassung gehört zu einer anderen Gemeinde.")
    if not locked.is_draft:
        message = "Eine veröffentlichte Fassung wird nicht mehr geändert; bitte eine neue Fassung anlegen."
        raise ValidationFailed({"__all__": [message]}, message=message)
    return locked


def _period(values: Mapping[str, Any], errors: FieldErrors) -> tuple[dt.date | None, dt.date | None]:
    begin = _date(values.get("valid_from"), "valid_from", "„Gültig ab“", errors)
    until = _date(values.get("valid_to"), "valid_to", "„Gültig bis“", errors, required=False)
    if begin and until and until <= begin:
        errors.add("valid_to", "„Gültig bis“ muss nach „Gültig ab“ liegen.")
    return begin, until


def _head(values: Mapping[str, Any]) -> dict[str, Any]:
    """Title, Satzung date and period from the form, or ValidationFailed with every error at once."""
    errors = FieldErrors()
    title = clean_text(values.get("title"))
    if not title:
        errors.add(
            "title", "Bitte den Titel der Satzung angeben, z. B. „Sondernutzungssatzung der Stadt … vom …“."
        )
    elif len(title) > 300:
        errors.add("title", "Der Titel darf höchstens 300 Zeichen lang sein.")
    satzung_date = _date(values.get("satzung_date"), "satzung_date", "das Datum der Satzung", errors)
    begin, until = _period(values, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    return {"title": title, "satzung_date": satzung_date, "valid_from": begin, "valid_to": until}


def fee_schedule_current(ags: str, *, on: dt.date | None = None) -> FeeSchedule | None:
    """The published version valid on ``on`` (today), else the newest published one."""
    day = on or timezone.localdate()
    published = FeeSchedule.objects.filter(ags=ags, state=FeeScheduleState.PUBLISHED)
    valid = published.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    return valid.order_by("-valid_from").first() or published.order_by("-valid_from").first()


def _copy_contents(source: FeeSchedule, target: FeeSchedule) -> None:
    Tariff.objects.bulk_create(
        Tariff(
            schedule=target,
            kind_id=t.kind_id,
            rate=t.rate,
            unit=t.unit,
            minimum_fee=t.minimum_fee,
            admin_fee=t.admin_fee,
        )
        for t in source.tariffs.all()
    )
    TariffZone.objects.bulk_create(
        TariffZone(schedule=target, name=z.name, factor=z.factor, geom=z.geom) for z in source.zones.all()
    )
    FeeExemption.objects.bulk_create(
        FeeExemption(schedule=target, reason=e.reason, percent=e.percent, claimable=e.claimable)
        for e in source.exemptions.all()
    )


def fee_schedule_create_draft(
    *, actor: Any, organisation: Organisation, values: Mapping[str, Any]
) -> FeeSchedule:
    """A new draft with the tariffs, zones and exemptions of the current version (if there is one)."""
    _commune_admin(actor, organisation)
    head = _head(values)
    with transaction.atomic():
        source = fee_schedule_current(organisation.ags)
        draft = FeeSchedule.objects.create(ags=organisation.ags, state=FeeScheduleState.DRAFT, **head)
        if source is not None:
            _copy_contents(source, draft)
        audit(
            actor=actor,
            action="fee_schedule.draft",
            obj=draft,
            organisation=organisation,
            summary=f"Entwurf „{draft.title}“ angelegt" + (f" (aus „{source.title}“)" if source else ""),
            copied_from=source.pk if source else None,
        )
    return draft


def fee_schedule_update(
    *, actor: Any, organisation: Organisation, schedule: FeeSchedule, values: Mapping[str, Any]
) -> FeeSchedule:
    """Title, Satzung date and period of a draft."""
    head = _head(values)
    with transaction.atomic():
        draft = _locked_draft(actor, organisation, schedule)
        for name, value in head.items():
            setattr(draft, name, value)
        draft.save(update_fields=[*head])
        audit(
            actor=actor,
            action="fee_schedule.update",
            obj=draft,
            organisation=organisation,
            summary=f"Entwurf „{draft.title}“ geändert",
            valid_from=str(draft.valid_from),
            valid_to=str(draft.valid_to or ""),
        )
    return draft


def _tariff_values(values: Mapping[str, Any], organisation: Organisation) -> dict[str, Any]:
    errors = FieldErrors()
    kind = permit_kinds_for_tariffs(organisation.pk).filter(slug=clean_text(values.get("kind"))).first()
    if kind is None:
        errors.add("kind", "Bitte eine Art der Sondernutzung wählen.")
    unit = clean_text(values.get("unit")) or (kind.unit if kind else "")
    if unit not in FeeUnit.values:
        errors.add("unit", "Bitte eine Gebührenbasis wählen.")
    rate = parse_amount(values.get("rate"), "rate", "Der Satz", errors, places=4)
    minimum = parse_amount(values.get("minimum_fee"), "minimum_fee", "Die Mindestgebühr", errors)
    admin_fee = parse_amount(values.get("admin_fee"), "admin_fee", "Die Verwaltungsgebühr", errors)
    if errors:
        raise ValidationFailed(dict(errors))
    return {"kind": kind, "unit": unit, "rate": rate, "minimum_fee": minimum, "admin_fee": admin_fee}


def fee_schedule_set_tariff(
    *, actor: Any, organisation: Organisation, schedule: FeeSchedule, values: Mapping[str, Any]
) -> Tariff:
    """Create or replace the draft's tariff of one kind (rate, unit, minimum and administrative fee)."""
    fields = _tariff_values(values, organisation)
    kind = fields.pop("kind")
    with transaction.atomic():
        draft = _locked_draft(actor, organisation, schedule)
        tariff, _ = Tariff.objects.update_or_create(schedule=draft, kind=kind, defaults=fields)
        audit(
            actor=actor,
            action="fee_schedule.tariff",
            obj=draft,
            organisation=organisation,
            summary=f"Tarif „{kind.name}“: {german_number(tariff.rate)} EUR {tariff.get_unit_display()}",
            kind=kind.slug,
            rate=str(tariff.rate),
            minimum_fee=str(tariff.minimum_fee),
            admin_fee=str(tariff.admin_fee),
        )
    return tariff


def _remove(
    actor: Any, organisation: Organisation, schedule: FeeSchedule, model: Any, pk: Any, what: str
) -> None:
    with transaction.atomic():
        draft = _locked_draft(actor, organisation, schedule)
        row = model.objects.filter(schedule=draft, pk=pk).first() if str(pk).isdigit() else None
        if row is None:
            raise ValidationFailed(
                {"__all__": [f"{what} nicht gefunden."]}, message=f"{what} nicht gefunden."
            )
        label = str(row)
        row.delete()
        audit(
            actor=actor,
            action=f"fee_schedule.{model._meta.model_name}_remove",
            obj=draft,
            organisation=organisation,
            summary=f"{what} „{label}“ entfernt",
        )


def fee_schedule_remove_tariff(
    *, actor: Any, organisation: Organisation, schedule: FeeSchedule, pk: Any
) -> None:
    _remove(actor, organisation, schedule, Tariff, pk, "Tarif")


def fee_schedule_remove_zone(
    *, actor: Any, organisation: Organisation, schedule: FeeSchedule, pk: Any
) -> None:
    _remove(actor, organisation, schedule, TariffZone, pk, "Gebührenzone")


def fee_schedule_remove_exemption(
    *, actor: Any, organisation: Organisation, schedule: FeeSchedule, pk: Any
) -> None:
    _remove(actor, organisation, schedule, FeeExemption, pk, "Befreiung")


def _zone_geometry(geojson: Any, errors: FieldErrors) -> MultiPolygon | None:
    """A Polygon or MultiPolygon in WGS84 (a geometry, a Feature, or a FeatureCollection of one feature)
    as EPSG:25833, read with the GEOS-based parser (numbers only, never an SRS from the file)."""
    if geojson in (None, "", b""):
        errors.add("geojson", "Bitte das Gebiet der Zone als GeoJSON angeben (Datei oder Text).")
        return None
    try:
        geom = to_storage(
            parse_geojson_geometry(geojson, allowed=("Polygon", "MultiPolygon"), field="geojson")
        )
    except ValidationFailed as exc:
        errors.absorb(exc)
        return None
    return geom if geom.geom_type == "MultiPolygon" else MultiPolygon(geom, srid=geom.srid)


def fee_schedule_add_zone(
    *,
    actor: Any,
    organisation: Organisation,
    schedule: FeeSchedule,
    values: Mapping[str, Any],
    geojson: Any = None,
    geom: MultiPolygon | None = None,
) -> TariffZone:
    """A fee zone of the draft: name, factor (> 0, e.g. 1,5) and its outline — GeoJSON text (WGS84) or a
    geometry already read from an uploaded GeoJSON, GeoPackage or Shapefile (``kernel.geo.vector_files``,
    EPSG:25833). The zone must lie inside the commune (the message names the m² outside)."""
    errors = FieldErrors()
    name = clean_text(values.get("name"))
    if not name or len(name) > 120:
        errors.add("name", "Bitte einen Namen der Zone angeben (höchstens 120 Zeichen).")
    factor = parse_amount(values.get("factor"), "factor", "Der Faktor", errors, maximum=FACTOR_MAX)
    if factor is not None and factor == 0:
        errors.add("factor", "Der Faktor muss größer als 0 sein.")
    if geom is None:
        geom = _zone_geometry(geojson, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    require_inside_territory(organisation, geom, field="geojson", subject="Gebührenzonen")
    with transaction.atomic():
        draft = _locked_draft(actor, organisation, schedule)
        zone = TariffZone.objects.create(schedule=draft, name=name, factor=factor, geom=geom)
        audit(
            actor=actor,
            action="fee_schedule.zone",
            obj=draft,
            organisation=organisation,
            summary=f"Gebührenzone „{name}“ (×{german_number(factor)}) angelegt, {round(geom.area):.0f} m²",
        )
    return zone


def fee_schedule_add_exemption(
    *, actor: Any, organisation: Organisation, schedule: FeeSchedule, values: Mapping[str, Any]
) -> FeeExemption:
    """An exemption of the draft: reason, percentage (100 = free) and whether applicants may claim it."""
    errors = FieldErrors()
    reason = clean_text(values.get("reason"))
    if not reason or len(reason) > 200:
        errors.add("reason", "Bitte den Grund der Befreiung angeben (höchstens 200 Zeichen).")
    percent = parse_amount(
        values.get("percent"), "percent", "Die Ermäßigung", errors, maximum=Decimal("100.01")
    )
    if percent is not None and not Decimal("0") < percent <= 100:
        errors.add("percent", "Die Ermäßigung liegt zwischen 0 und 100 %.")
    if errors:
        raise ValidationFailed(dict(errors))
    with transaction.atomic():
        draft = _locked_draft(actor, organisation, schedule)
        if draft.exemptions.filter(reason=reason).exists():
            raise ValidationFailed({"reason": [f"Die Befreiung „{reason}“ gibt es in diesem Entwurf schon."]})
        exemption = FeeExemption.objects.create(
            schedule=draft, reason=reason, percent=percent, claimable=bool(values.get("claimable"))
        )
        audit(
            actor=actor,
            action="fee_schedule.exemption",
            obj=draft,
            organisation=organisation,
            summary=f"Befreiung „{reason}“ (−{german_number(percent)} %) angelegt",
        )
    return exemption


def _overlaps(draft: FeeSchedule) -> tuple[list[FeeSchedule], list[str]]:
    """Predecessors to end at the draft's start, and German refusals for every other overlap."""
    kinds = set(draft.tariffs.values_list("kind_id", flat=True))
    others = FeeSchedule.objects.filter(
        ags=draft.ags, state=FeeScheduleState.PUBLISHED, tariffs__kind__in=kinds
    )
    if draft.valid_to:
        others = others.filter(valid_from__lt=draft.valid_to)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=draft.valid_from))
    ids = set(others.values_list("pk", flat=True))
    to_end, refusals = [], []
    for other in FeeSchedule.objects.filter(pk__in=ids).select_for_update().order_by("valid_from"):
        other_kinds = set(other.tariffs.values_list("kind_id", flat=True))
        if other.valid_to is None and other.valid_from < draft.valid_from and other_kinds <= kinds:
            to_end.append(other)
            continue
        until = f"{other.valid_to:%d.%m.%Y}" if other.valid_to else "unbefristet"
        refusals.append(
            f"Der Zeitraum überschneidet sich mit der veröffentlichten Fassung „{other.title}“ "
            f"(gültig ab {other.valid_from:%d.%m.%Y}, bis {until}) für dieselbe Art der Sondernutzung."
        )
    return to_end, refusals


def fee_schedule_publish(*, actor: Any, organisation: Organisation, schedule: FeeSchedule) -> FeeSchedule:
    """Publish a draft: from its first day applications are priced by it. An open-ended predecessor whose
    kinds the draft all covers ends on the draft's first day; any other overlap is refused."""
    with transaction.atomic():
        draft = _locked_draft(actor, organisation, schedule)
        if not draft.tariffs.exists():
            message = "Der Entwurf hat noch keinen Tarif; bitte mindestens einen Tarif eintragen."
            raise ValidationFailed({"__all__": [message]}, message=message)
        to_end, refusals = _overlaps(draft)
        if refusals:
            raise ValidationFailed({"__all__": refusals}, message=refusals[0])
        for other in to_end:
            other.valid_to = draft.valid_from
            other.save(update_fields=["valid_to"])
            audit(
                actor=actor,
                action="fee_schedule.end",
                obj=other,
                organisation=organisation,
                summary=f"„{other.title}“ gilt bis {draft.valid_from:%d.%m.%Y} (abgelöst durch „{draft.title}“)",
            )
        draft.state = FeeScheduleState.PUBLISHED
        draft.published_at = timezone.now()
        draft.save(update_fields=["state", "published_at"])
        audit(
            actor=actor,
            action="fee_schedule.publish",
            obj=draft,
            organisation=organisation,
            summary=f"„{draft.title}“ veröffentlicht, gültig ab {draft.valid_from:%d.%m.%Y}",
            ended=[o.pk for o in to_end],
        )
    return draft


PREVIEW_MAX_DAYS = 366 * 3


@dataclass(frozen=True)
class Preview:
    """A sample application priced under a version (a draft before publishing): nothing is stored."""

    fee: Fee
    kind: PermitKind
    start: dt.datetime
    end: dt.datetime
    area_m2: Decimal
    days: int
    zone: TariffZone | None


def _preview_zone(schedule: FeeSchedule, lon: Any, lat: Any, errors: FieldErrors) -> TariffZone | None:
    if not clean_text(lon) and not clean_text(lat):
        return None
    try:
        point = to_storage(parse_lon_lat(lon, lat))
    except ValidationFailed as exc:
        errors.absorb(exc)
        return None
    return schedule.zones.filter(geom__covers=point).order_by("-factor").first()


def fee_schedule_preview(*, schedule: FeeSchedule, values: Mapping[str, Any]) -> Preview:
    """Price a sample application (kind, area in m², days, optional point in a zone, optional exemption)
    under ``schedule`` exactly as ``compute_fee`` prices a real one starting on the version's first day
    at 08:00 — so the preview equals the price after publishing. Stores nothing."""
    errors = FieldErrors()
    kind = PermitKind.objects.filter(slug=clean_text(values.get("kind")), tariffs__schedule=schedule).first()
    if kind is None:
        errors.add("kind", "Bitte eine Art wählen, für die der Entwurf einen Tarif hat.")
    area = parse_amount(values.get("area_m2"), "area_m2", "Die Fläche", errors, maximum=Decimal("1000000"))
    days_text = clean_text(values.get("days"))
    days = int(days_text) if days_text.isascii() and days_text.isdigit() and len(days_text) <= 4 else 0
    if not 1 <= days <= PREVIEW_MAX_DAYS:
        errors.add("days", f"Tage: ganze Zahl von 1 bis {PREVIEW_MAX_DAYS}.")
    zone = _preview_zone(schedule, values.get("lon"), values.get("lat"), errors)
    wanted = clean_text(values.get("exemption"))
    exemption = schedule.exemptions.filter(pk=wanted).first() if wanted.isdigit() else None
    if errors:
        raise ValidationFailed(dict(errors))
    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(schedule.valid_from, dt.time(8), tzinfo=tz)
    end = dt.datetime.combine(schedule.valid_from + dt.timedelta(days=days - 1), dt.time(18), tzinfo=tz)
    zones = [ZoneShare(zone.name, zone.factor, area)] if zone is not None else []
    fee = compute_fee(
        ags=schedule.ags,
        kind=kind,
        start=start,
        end=end,
        area_m2=area,
        zones=zones,
        schedule=schedule,
        exemption=exemption,
    )
    return Preview(fee=fee, kind=kind, start=start, end=end, area_m2=area, days=days, zone=zone)
