"""Read queries for permits: fee zones, conflicts, public active permits (GeoJSON built in PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Distance, Transform
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from domains.permits.models import (
    FeeExemption,
    FeeSchedule,
    FeeScheduleState,
    ParkingPermit,
    ParkingPermitStatusChange,
    ParkingZone,
    ParkingZoneDraft,
    Permit,
    PermitCommune,
    PermitKind,
    PermitStatusChange,
)
from domains.permits.workflow import BLOCKING, PERMIT_WORKFLOW, PermitStatus
from kernel.boundaries.models import Commune
from kernel.core.errors import NotFound
from kernel.geo.coords import to_storage
from kernel.geo.srid import API_SRID
from kernel.organisations.scoping import in_own_communes, scope_of, visible_cases

CONFLICT_REPORT_RADIUS_M = 25
# Decimals of a degree in conflict geometries: 6 are about 10 cm in Saxony, finer than any drawn area.
CONFLICT_GEOJSON_PRECISION = 6


def permit_conflicts(permit: Permit) -> QuerySet[Permit]:
    """Pending or approved permits whose *interiors* intersect and whose periods overlap. Touching at an
    edge or adjacent in time (one ends when the other starts) is no conflict. Permits of neighbouring
    communes count: the street does not end at the border.

    Open defect reports within ``CONFLICT_REPORT_RADIUS_M`` are conflicts too; the interfaces ask
    ``domains.reports.selectors.open_reports_near`` for them (permits and reports are independent domains).
    """
    return (
        Permit.objects.filter(status__in=BLOCKING, start__lt=permit.end, end__gt=permit.start)
        .exclude(pk=permit.pk)
        .filter(location__intersects=permit.location)
        .filter(location__relate=(permit.location, "T********"))
        .select_related("kind", "commune")
        .defer("commune__geom")
        .order_by("start")
    )


OTHER_PENDING_LABEL = "eine weitere Sondernutzung (noch nicht entschieden)"
OTHER_APPROVED_LABEL = "eine weitere Sondernutzung (genehmigt)"


@dataclass(frozen=True)
class ConflictPermit:
    """One overlapping permit as the viewer may see it.

    ``detailed``: a permit of the viewer's own organisations or communes — everything is filled.
    Otherwise only the fact, the period and whether it is approved; the outline (``geojson``, WGS84 text)
    only if approved (approved permits are public anyway, see ``active_permits``). No id, kind, commune,
    status or applicant of another commune's application.
    """

    detailed: bool
    approved: bool
    start: dt.datetime
    end: dt.datetime
    geojson: str | None
    public_id: str | None = None
    kind: str | None = None
    status: str | None = None
    status_label: str | None = None
    commune: str | None = None

    @property
    def label(self) -> str:
        if self.detailed:
            return f"{self.public_id} {self.kind}"
        return OTHER_APPROVED_LABEL if self.approved else OTHER_PENDING_LABEL


def _conflict_row(p: Permit) -> ConflictPermit:
    approved = p.status == PermitStatus.APPROVED
    if not p.detailed:
        return ConflictPermit(False, approved, p.start, p.end, p.geojson)
    return ConflictPermit(
        True,
        approved,
        p.start,
        p.end,
        p.geojson,
        public_id=p.public_id,
        kind=p.kind.name,
        status=p.status,
        status_label=PERMIT_WORKFLOW.label(p.status),
        commune=p.commune.name,
    )


def permit_conflict_rows(permit: Permit, *, viewer: Any) -> list[ConflictPermit]:
    """``permit_conflicts`` as ``viewer`` may see them (see :class:`ConflictPermit`).

    Full details only for permits of the viewer's organisations or whose communes (``PermitCommune``)
    include a commune of one of them (``kernel.organisations.scoping.in_own_communes``); the outline of
    another commune's permit is built by PostgreSQL only when it is approved, so a pending application's
    area never leaves the database.
    """
    own_commune = PermitCommune.objects.filter(permit=OuterRef("pk")).filter(
        in_own_communes(viewer, ags_field="commune__ags")
    )
    detailed = Q(organisation_id__in=scope_of(viewer).manager_org_ids) | Exists(own_commune)
    geojson = AsGeoJSON(Transform("location", API_SRID), precision=CONFLICT_GEOJSON_PRECISION)
    rows = permit_conflicts(permit).annotate(
        detailed=ExpressionWrapper(detailed, output_field=BooleanField()),
        geojson=Case(
            When(Q(detailed=True) | Q(status=PermitStatus.APPROVED), then=geojson),
            default=Value(None),
            output_field=CharField(),
        ),
    )
    return [_conflict_row(p) for p in rows]


def active_permits(*, bbox: Polygon | None, day: dt.date) -> QuerySet[Permit]:
    """Approved permits active on ``day`` (any part of the day), public fields only."""
    day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    day_end = day_start + dt.timedelta(days=1)
    qs = Permit.objects.filter(status=PermitStatus.APPROVED, start__lt=day_end, end__gt=day_start)
    if bbox is not None:
        qs = qs.filter(location__intersects=to_storage(bbox))
    return qs.order_by("start", "id")


def permit_public_feature_expression(*, srid: int = API_SRID, precision: int = 6) -> JSONObject:
    """One public GeoJSON feature per permit (kind, period, commune — never the applicant), built in
    PostgreSQL; ``srid`` is one of the project's fixed SRIDs, ``precision`` the coordinates' decimals."""
    return JSONObject(
        type=Value("Feature"),
        id=F("public_id"),
        geometry=Cast(AsGeoJSON(Transform("location", srid), precision=precision), JSONField()),
        properties=JSONObject(
            id=F("public_id"),
            kind=F("kind__slug"),
            kind_name=F("kind__name"),
            start=F("start"),
            end=F("end"),
            commune=JSONObject(ags=F("commune__ags"), name=F("commune__name")),
            area_m2=F("area_m2"),
        ),
    )


def permits_public() -> QuerySet[Permit]:
    """Approved permits, past, current and future: the public ones (fields via the expression above)."""
    return Permit.objects.filter(status=PermitStatus.APPROVED)


def public_permit_features(qs: QuerySet[Permit], limit: int = 1000) -> list[str]:
    """Public GeoJSON features (kind, period, commune — never the applicant), built in PostgreSQL."""
    feature = Cast(permit_public_feature_expression(), CharField())
    return list(qs.annotate(feature=feature).values_list("feature", flat=True)[:limit])


# A residence exactly on a zone boundary belongs to the zone. Boundaries drawn in WGS84 are not exactly
# straight after reprojection, so "on the boundary" is judged with 1 cm tolerance in EPSG:25833.
ZONE_BORDER_TOLERANCE_M = 0.01


def zone_for_residence(point: Point, ags: str) -> ParkingZone | None:
    """The zone covering the residence; on a border between two zones the lower code wins."""
    return (
        ParkingZone.objects.filter(
            ags=ags, active=True, geom__dwithin=(to_storage(point), D(m=ZONE_BORDER_TOLERANCE_M))
        )
        .order_by("code")
        .first()
    )


def nearest_zone(point: Point, ags: str) -> tuple[ParkingZone, float] | None:
    """The commune's nearest active zone and its distance in metres (EPSG:25833)."""

    origin = to_storage(point)
    zone = (
        ParkingZone.objects.filter(ags=ags, active=True)
        .annotate(distance=Distance("geom", origin))
        .order_by("distance")
        .first()
    )
    return (zone, zone.distance.m) if zone is not None else None


def parking_zone_features(*, ags: str | None = None) -> list[str]:
    """Public GeoJSON features of the active resident parking zones (code, name, commune), built in
    PostgreSQL and transformed to WGS84 there. Zones are public plans; nothing about applicants."""
    commune_name = Commune.objects.current().filter(ags=OuterRef("ags")).values("name")[:1]
    qs = ParkingZone.objects.filter(active=True)
    if ags:
        qs = qs.filter(ags=ags)
    feature = JSONObject(
        type=Value("Feature"),
        geometry=Cast(AsGeoJSON(Transform("geom", API_SRID), precision=6), JSONField()),
        properties=JSONObject(ags=F("ags"), commune=Subquery(commune_name), code=F("code"), name=F("name")),
    )
    return list(
        qs.order_by("ags", "code")
        .annotate(feature=Cast(feature, CharField()))
        .values_list("feature", flat=True)
    )


# --- the applicant's private tracking pages (the caller has checked the token) ----------------------


def permit_for_applicant(public_id: str) -> Permit | None:
    """A permit with its kind and primary commune, and its area as WGS84 GeoJSON text (``area_geojson``)."""
    return (
        Permit.objects.select_related("kind", "commune")
        .defer("commune__geom")
        .annotate(area_geojson=AsGeoJSON(Transform("location", API_SRID), precision=6))
        .filter(public_id=public_id)
        .first()
    )


def permit_conditions(permit: Permit) -> list[str]:
    """The conditions (Auflagen) of a permit, one per line: the kind's standard conditions first, then
    the caseworker's. The one list for the Bescheid, the applicant's page and the decision mail, so the
    page never shows fewer conditions than the binding PDF (issue 26.10). The standard conditions are
    the copy taken at the decision, not the kind's current text."""
    text = f"{permit.standard_conditions}\n{permit.conditions}"
    return [line.strip() for line in text.splitlines() if line.strip()]


def permit_commune_shares(permit: Permit) -> list[PermitCommune]:
    """Every commune the area touches with its share, largest first."""
    return list(
        PermitCommune.objects.filter(permit=permit)
        .select_related("commune")
        .only("share", "commune__ags", "commune__name")
        .order_by("-share", "commune__name")
    )


def parking_permit_for_applicant(public_id: str) -> ParkingPermit | None:
    return (
        ParkingPermit.objects.select_related("zone", "commune")
        .defer("commune__geom", "zone__geom")
        .filter(public_id=public_id)
        .first()
    )


def _public_history(rows: QuerySet) -> list[dict]:
    return [
        {
            "status": row.to_status,
            "status_label": PERMIT_WORKFLOW.label(row.to_status),
            "date": row.created,
            "note": row.public_note,
        }
        for row in rows.order_by("created", "id").only("to_status", "created", "public_note")
    ]


def permit_public_history(permit: Permit) -> list[dict]:
    """Status history for the applicant: dates, states, public notes — no staff names, no internal notes."""
    return _public_history(PermitStatusChange.objects.filter(permit=permit))


def parking_public_history(permit: ParkingPermit) -> list[dict]:
    return _public_history(ParkingPermitStatusChange.objects.filter(permit=permit))


def staff_permits(user: Any) -> QuerySet[Permit]:
    return visible_cases(
        user,
        Permit.objects.select_related("kind", "commune", "organisation", "fee_claim").defer("commune__geom"),
    )


def staff_permits_with_notices(user: Any) -> QuerySet[Permit]:
    """For the pages and API that list each permit's notices (one query for all, not one per permit)."""
    return staff_permits(user).prefetch_related("notices")


# Withdrawn permits stay on the revocation list until 30 days after their printed validity would have ended.
REVOCATION_LIST_MARGIN = dt.timedelta(days=30)


def revoked_parking_numbers(*, today: dt.date) -> list[str]:
    """Numbers of parking permits withdrawn after approval whose printed validity ended at most
    ``REVOCATION_LIST_MARGIN`` before ``today``: the revocation list that enforcement devices load (numbers
    only, no personal data) and that /kontrolle/ checks against."""
    since = today - REVOCATION_LIST_MARGIN
    return list(
        ParkingPermit.objects.filter(status=PermitStatus.WITHDRAWN, valid_until__gte=since)
        .exclude(permit_number="")
        .order_by("permit_number")
        .values_list("permit_number", flat=True)
    )


def parking_zones_of(ags: str) -> list[ParkingZone]:
    return list(ParkingZone.objects.filter(ags=ags).order_by("code"))


def fee_schedules_of(ags: str) -> QuerySet[FeeSchedule]:
    """All versions of a commune's Satzung, newest start first, with their counts for the list page."""
    return (
        FeeSchedule.objects.filter(ags=ags)
        .annotate(
            tariff_count=Count("tariffs", distinct=True),
            zone_count=Count("zones", distinct=True),
            exemption_count=Count("exemptions", distinct=True),
        )
        .order_by("-valid_from", "-pk")
    )


def fee_schedule_in(ags: str, pk: Any) -> FeeSchedule:
    """One version of the commune ``ags``; :class:`NotFound` for another commune's (existence does not leak)."""
    text = str(pk)
    found = (
        FeeSchedule.objects.filter(ags=ags, pk=int(text)).first()
        if text.isdigit() and len(text) < 18
        else None
    )
    if found is None:
        raise NotFound("Diese Fassung der Gebührensatzung gibt es nicht.")
    return found


def fee_schedule_published_exists(ags: str) -> bool:
    """Whether the commune has published at least one version with a tariff (the go-live checklist's
    "a tariff version (if permits are on)")."""
    return FeeSchedule.objects.filter(
        ags=ags, state=FeeScheduleState.PUBLISHED, tariffs__isnull=False
    ).exists()


def fee_schedule_valid_on(ags: str, day: dt.date) -> FeeSchedule | None:
    """The published version of the commune valid on ``day`` (any kind); ``None`` if none is in force.
    Pricing itself asks ``domains.permits.fees.fee_schedule_for`` (per kind)."""
    return (
        FeeSchedule.objects.filter(ags=ags, state=FeeScheduleState.PUBLISHED, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from", "-pk")
        .first()
    )


def permit_kinds_for_tariffs(organisation_id: int) -> QuerySet[PermitKind]:
    """The kinds a commune can price in its Satzung: the platform's kinds (special uses and the resident
    parking card) and the commune's own kinds — never another commune's own kind."""
    return PermitKind.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=organisation_id), active=True
    ).order_by("order", "name")


def parking_zones_current(ags: str) -> list[ParkingZone]:
    """The commune's zones not ended by a newer upload (also those switched off in the admin), by code."""
    return list(ParkingZone.objects.filter(ags=ags, valid_to__isnull=True).order_by("code"))


def parking_zone_draft_of(organisation_id: int) -> ParkingZoneDraft | None:
    """The organisation's unpublished zone upload, if any."""
    return ParkingZoneDraft.objects.filter(organisation_id=organisation_id).first()


def claimable_exemptions(ags: str) -> list[str]:
    """The reasons an applicant in the commune ``ags`` may claim (``FeeExemption.claimable``) in a
    published version of its Satzung valid today or later — the web form's choice. Which one applies is
    decided by the version valid on the start date (``domains.permits.services.validation.permit_fee``)."""
    if not ags:
        return []
    today = timezone.localdate()
    reasons = (
        FeeExemption.objects.filter(
            claimable=True, schedule__ags=ags, schedule__state=FeeScheduleState.PUBLISHED
        )
        .filter(Q(schedule__valid_to__isnull=True) | Q(schedule__valid_to__gt=today))
        .values_list("reason", flat=True)
        .distinct()
    )
    return sorted(reasons)
