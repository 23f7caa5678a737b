"""Loading the permit catalogue, the demo tariffs and fee zones, and resident parking zones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction
from django.utils import timezone

from domains.permits.catalogue import (
    DEMO_COMMUNES,
    DEMO_FEE_ZONES,
    DEMO_TARIFF_FROM,
    DEMO_TARIFFS,
    KINDS,
    PARKING_KIND,
    STANDARD_CONDITIONS,
)
from domains.permits.models import (
    FeeSchedule,
    FeeScheduleState,
    ParkingZone,
    PermitKind,
    Tariff,
    TariffZone,
)
from kernel.boundaries.models import Commune
from kernel.cases.fields import clean_text
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import to_storage
from kernel.geo.geometry import parse_geojson_geometry


def permit_kinds_load_defaults() -> int:
    """Create or update the default kinds by slug; returns how many were created. Never deletes."""
    created = 0
    with transaction.atomic():
        for order, (slug, name, unit, description) in enumerate([*KINDS, PARKING_KIND]):
            defaults = {
                "name": name,
                "unit": unit,
                "description": description,
                "order": order,
                "is_parking": slug == PARKING_KIND[0],
            }
            _, was_created = PermitKind.objects.update_or_create(
                slug=slug,
                defaults=defaults,
                # Only for a new kind: conditions a commune has edited are kept.
                create_defaults={**defaults, "standard_conditions": STANDARD_CONDITIONS.get(slug, "")},
            )
            created += was_created
    return created


def permit_demo_load() -> tuple[int, int]:
    """Demo Satzung for Dresden and Leipzig: one published version with tariffs and a fee zone
    (idempotent: a commune that already has a version of that start keeps it as it is). Returns
    (tariffs, zones) created."""
    tariffs = zones = 0
    valid_from = dt.date.fromisoformat(DEMO_TARIFF_FROM)
    with transaction.atomic():
        kinds = {k.slug: k for k in PermitKind.objects.all()}
        for ags, commune_name in DEMO_COMMUNES.items():
            schedule, created = FeeSchedule.objects.get_or_create(
                ags=ags,
                valid_from=valid_from,
                defaults={
                    "title": f"Sondernutzungssatzung der Stadt {commune_name} (Demo)",
                    "satzung_date": valid_from,
                    "state": FeeScheduleState.PUBLISHED,
                    "published_at": timezone.now(),
                },
            )
            if not created:
                continue
            for slug, (rate, minimum, admin_fee) in DEMO_TARIFFS.items():
                Tariff.objects.create(
                    schedule=schedule,
                    kind=kinds[slug],
                    rate=rate,
                    unit=kinds[slug].unit,
                    minimum_fee=minimum,
                    admin_fee=admin_fee,
                )
                tariffs += 1
            name, factor, bbox = DEMO_FEE_ZONES[ags]
            box = Polygon.from_bbox(bbox)
            box.srid = 4326
            TariffZone.objects.create(
                schedule=schedule, name=name, factor=factor, geom=MultiPolygon(to_storage(box))
            )
            zones += 1
    return tariffs, zones


def _parking_zone_fields(index: int, feature: Any) -> tuple[str, str, str, MultiPolygon]:
    """(ags, code, name, geometry in EPSG:25833) of one GeoJSON feature, or a German error naming it."""

    def bad(message: str) -> ValidationFailed:
        return ValidationFailed({"path": [f"Objekt {index}: {message}"]})

    if not isinstance(feature, dict):
        raise bad("kein GeoJSON-Feature.")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise bad("properties muss ein Objekt sein.")
    ags, code, name = (
        clean_text(props.get("ags")),
        clean_text(props.get("code")),
        clean_text(props.get("name")),
    )
    if not (ags and code and name):
        raise bad("ags, code und name sind Pflicht.")
    if len(code) > 20 or len(name) > 120:
        raise bad("code höchstens 20, name höchstens 120 Zeichen.")
    if not Commune.objects.current().filter(ags=ags).exists():
        raise bad(f"unbekannte Gemeinde {ags}.")
    geom = to_storage(
        parse_geojson_geometry(feature.get("geometry"), allowed=("Polygon", "MultiPolygon"), field="path")
    )
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    return ags, code, name, geom


def parking_zones_load(path: Any, *, update_existing: bool = True) -> tuple[int, int]:
    """Load resident parking zones from GeoJSON (properties ags, code, name); returns (created, existing).

    Zones are matched by (ags, code). An explicit import (``load_parking_zones``) updates the existing ones
    from the file; the demo data that ``make run`` loads on every start passes ``update_existing=False``
    so a zone a commune has since renamed, redrawn or switched off stays as the commune left it. One
    transaction: a bad feature leaves the zones as they were. Read with the GEOS-based parser
    (kernel.geo.geometry), not GDAL: the file's coordinates are WGS84 numbers.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed({"path": [f"Datei nicht lesbar: {exc}"]}) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise ValidationFailed({"path": ["Eine GeoJSON-FeatureCollection mit Parkgebieten wird erwartet."]})
    created = existing = 0
    with transaction.atomic():
        for index, feature in enumerate(features, start=1):
            ags, code, name, geom = _parking_zone_fields(index, feature)
            defaults = {"name": name, "geom": geom, "active": True}
            if update_existing:
                _, was_created = ParkingZone.objects.update_or_create(
                    ags=ags, code=code, valid_to__isnull=True, defaults=defaults
                )
            else:
                _, was_created = ParkingZone.objects.get_or_create(
                    ags=ags, code=code, valid_to__isnull=True, defaults=defaults
                )
            created += was_created
            existing += not was_created
    return created, existing
