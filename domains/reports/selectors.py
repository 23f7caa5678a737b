"""Read queries for reports. Public output is built here, in the database, from public fields only.

The GeoJSON for lists is assembled by PostgreSQL (``json_build_object`` + ``ST_AsGeoJSON``): a page of
1,000 features then costs one query and no per-object Python work. Reporter name, e-mail, phone and the
tracking-token hash are never selected for public output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Distance, Transform
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, NullIf
from django.utils import timezone, translation

from domains.reports.models import (
    HIDDEN_DESCRIPTION,
    PUBLIC_REPORTS,
    Category,
    CommuneCategorySetting,
    Report,
    ReportCount,
    ReportPhoto,
    StatusChange,
)
from domains.reports.workflow import OPEN_STATES, REPORT_WORKFLOW, ReportStatus
from kernel.geo.coords import to_storage
from kernel.geo.srid import API_SRID

NEARBY_RADIUS_M = 50
NEARBY_DAYS = 30
NEARBY_LIMIT = 20


@dataclass
class ReportFilter:
    bbox: Polygon | None = None  # EPSG:4326
    statuses: Sequence[str] = ()
    categories: Sequence[str] = ()
    commune: str | None = None
    district: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    newest_first: bool = True
    extra: dict = field(default_factory=dict)


def reports_public() -> QuerySet[Report]:
    """Every report the public may see (``PUBLIC_REPORTS``: not marked "intern"); the base of every public
    list, page, count and export."""
    return Report.objects.filter(PUBLIC_REPORTS)


def reports_public_total(
    *, statuses: Sequence[str] = (), categories: Sequence[str] = (), communes: Sequence[str] = ()
) -> int:
    """How many public reports match these property filters, from the pre-aggregated counts (exact: kept
    on every write, ``domains.reports.tiles.counts``, which leave internal reports out like
    ``reports_public``) — a few thousand rows instead of counting up to a million."""
    qs = ReportCount.objects.all()
    if statuses:
        qs = qs.filter(status__in=statuses)
    if categories:
        qs = qs.filter(category__slug__in=categories)
    if communes:
        qs = qs.filter(commune__ags__in=communes)
    return qs.aggregate(total=Sum("n"))["total"] or 0


def reports_filtered(flt: ReportFilter, base: QuerySet[Report] | None = None) -> QuerySet[Report]:
    qs = reports_public() if base is None else base
    if flt.bbox is not None:
        qs = qs.filter(location__intersects=to_storage(flt.bbox))
    if flt.statuses:
        qs = qs.filter(status__in=flt.statuses)
    if flt.categories:
        qs = qs.filter(category__slug__in=flt.categories)
    if flt.commune:
        qs = qs.filter(commune__ags=flt.commune)
    if flt.district:
        qs = qs.filter(district__ags=flt.district)
    if flt.since:
        qs = qs.filter(created__gte=flt.since)
    if flt.until:
        qs = qs.filter(created__lt=flt.until)
    order = ("-created", "-id") if flt.newest_first else ("created", "id")
    return qs.order_by(*order)


def status_label_expression() -> Case:
    return Case(
        *[When(status=value, then=Value(str(label))) for value, label in ReportStatus.choices],
        default=F("status"),
        output_field=CharField(),
    )


def category_name_expression(prefix: str = "category__") -> F | Coalesce:
    """The category's name in the active language, in SQL: in English mode ``name_en`` unless it is empty
    (then the German ``name``), like ``Category.display_name``. Evaluated when the query is built, so the
    request's language decides; outputs cached across requests must key on the language too."""
    if (translation.get_language() or "").split("-")[0] != "en":
        return F(f"{prefix}name")
    return Coalesce(NullIf(F(f"{prefix}name_en"), Value("")), F(f"{prefix}name"), output_field=CharField())


def public_description_expression() -> Case:
    return Case(
        When(description_hidden=True, then=Value(HIDDEN_DESCRIPTION)),
        default=F("description"),
        output_field=CharField(),
    )


def public_place_expression() -> Case:
    """The citizen's place text, empty once moderation hid the report's text (``Report.public_place``)."""
    return Case(When(description_hidden=True, then=Value("")), default=F("place"), output_field=CharField())


def _first_photo(column: str, media_base: str) -> Subquery:
    photo = ReportPhoto.objects.filter(report=OuterRef("pk"), hidden=False).order_by("position", "id")
    return Subquery(
        photo.annotate(url=Concat(Value(media_base), column, output_field=CharField())).values("url")[:1]
    )


def public_feature_expression(
    *, media_base: str, detail_base: str, srid: int = API_SRID, precision: int = 6, **extra: Any
) -> JSONObject:
    """One public GeoJSON Feature per report, built by PostgreSQL; ``extra`` adds properties.

    ``srid`` is one of the project's fixed SRIDs (WGS84 by default; OGC API may ask for EPSG:25833),
    ``precision`` the decimals of the coordinates."""
    return JSONObject(
        type=Value("Feature"),
        id=F("public_id"),
        geometry=Cast(AsGeoJSON(Transform("location", srid), precision=precision), JSONField()),
        properties=JSONObject(
            id=F("public_id"),
            category=F("category__slug"),
            category_name=category_name_expression(),
            description=public_description_expression(),
            place=public_place_expression(),
            status=F("status"),
            status_label=status_label_expression(),
            commune=JSONObject(ags=F("commune__ags"), name=F("commune__name")),
            district=JSONObject(ags=F("district__ags"), name=F("district__name")),
            created=F("created"),
            updated=F("updated"),
            supporters=F("supporters"),
            thumbnail_url=_first_photo("thumbnail", media_base),
            url=Concat(Value(detail_base), F("public_id"), Value("/"), output_field=CharField()),
            **extra,
        ),
    )


def feature_rows(
    qs: QuerySet[Report], *, media_base: str, detail_base: str, limit: int, offset: int = 0, **extra: Any
) -> list[str]:
    """Serialized features (JSON text) for ``qs[offset:offset+limit]`` — one SQL statement."""
    expression = Cast(
        public_feature_expression(media_base=media_base, detail_base=detail_base, **extra), CharField()
    )
    return list(qs.annotate(feature=expression).values_list("feature", flat=True)[offset : offset + limit])


LIST_FIELDS = ("public_id", "status", "created", "description", "description_hidden", "place", "supporters")


def reports_for_list(flt: ReportFilter) -> QuerySet[Report]:
    """Public rows for a paginated HTML list: category and commune joined, first thumbnail as a
    subquery — one query per page, no per-row lookups, no private fields. Rows show
    ``public_description`` (moderation may hide the text); hidden photos are skipped."""
    thumbnail = ReportPhoto.objects.filter(report=OuterRef("pk"), hidden=False).order_by("position", "id")
    return (
        reports_filtered(flt)
        .select_related("category", "commune")
        .only(
            *LIST_FIELDS,
            "category__name",
            "category__name_en",
            "category__slug",
            "commune__ags",
            "commune__name",
        )
        .annotate(thumbnail_name=Subquery(thumbnail.values("thumbnail")[:1]))
    )


def report_public(public_id: str) -> Report | None:
    """One public report for its page (None, i.e. 404, for an unknown or internal one)."""
    return _report_page(reports_public(), public_id)


def report_for_reporter(public_id: str) -> Report | None:
    """The report behind the reporter's own signed links (tracking page, status-mail stop): theirs even
    when staff marked it internal; the page then says it is not public. Callers check the token."""
    return _report_page(Report.objects.all(), public_id)


def _report_page(qs: QuerySet[Report], public_id: str) -> Report | None:
    return (
        qs.select_related("category", "commune", "district")
        .defer("commune__geom", "district__geom", "reporter_name", "reporter_email", "reporter_phone")
        .filter(public_id=public_id)
        .first()
    )


def public_history(report: Report) -> list[dict]:
    """Status history for citizens: dates, states and public notes — no staff names, no internal notes."""
    rows = StatusChange.objects.filter(report=report).order_by("created", "id")
    return [
        {
            "from_status": row.from_status or None,
            "status": row.to_status,
            "status_label": REPORT_WORKFLOW.label(row.to_status),
            "date": row.created,
            "note": row.public_note,
        }
        for row in rows.only("from_status", "to_status", "created", "public_note")
    ]


def public_photos(report: Report) -> list[ReportPhoto]:
    """Photos citizens may see: not hidden by moderation, none of an internal report (not even on the
    reporter's tracking page: the photo files are private then, ``domains.reports.media``)."""
    if not report.is_public:  # internal, or held for review: no public photo URL yet
        return []
    return list(ReportPhoto.objects.filter(report=report, hidden=False).order_by("position", "id"))


def reports_nearby(point: Point, *, category: str | None = None) -> QuerySet[Report]:
    """Open reports within 50 m created in the last 30 days, nearest first (duplicate check before submit)."""
    origin = to_storage(point)
    qs = reports_public().filter(
        location__dwithin=(origin, D(m=NEARBY_RADIUS_M)),
        status__in=OPEN_STATES,
        created__gte=timezone.now() - dt.timedelta(days=NEARBY_DAYS),
    )
    if category:
        qs = qs.filter(category__slug=category)
    return qs.annotate(distance=Distance("location", origin)).order_by("distance", "-created")


def nearby_distance_expression(point: Point) -> Cast:
    """Distance in metres (EPSG:25833) from ``point``, rounded to 0.1 m, for the nearby list."""
    return Cast(Distance("location", to_storage(point)), DecimalField(max_digits=12, decimal_places=1))


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median, interpolated, computed in the database."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochDays(Func):
    """An interval in days (fractional): ``EXTRACT(EPOCH FROM interval) / 86400``."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()


@dataclass(frozen=True)
class CommuneFigures:
    year: int
    open: int  # currently open (any open state)
    resolved: int  # currently resolved, all time
    resolved_this_year: int  # currently resolved, resolution recorded in ``year``
    median_days_this_year: float | None  # created → that resolution, median over resolved_this_year


def commune_figures(ags: str, *, year: int | None = None) -> CommuneFigures:
    """Simple public figures for one commune (all versions of its AGS), in two queries.

    "Resolved this year" counts reports whose status is ``resolved`` now and whose latest move to
    ``resolved`` happened in ``year`` (local time); a report reopened later no longer counts. The
    median is over the days from creation to that move.
    """
    year = year or timezone.localdate().year
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    reports = reports_public().filter(commune__ags=ags)
    counts = reports.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATES)),
        resolved=Count("pk", filter=Q(status=ReportStatus.RESOLVED)),
    )
    resolved_at = (
        StatusChange.objects.filter(report=OuterRef("pk"), to_status=ReportStatus.RESOLVED)
        .order_by("-created", "-id")
        .values("created")[:1]
    )
    this_year = (
        reports.filter(status=ReportStatus.RESOLVED)
        .annotate(resolved_at=Subquery(resolved_at))
        .filter(resolved_at__gte=start, resolved_at__lt=end)
        .aggregate(n=Count("pk"), median=Median(EpochDays(F("resolved_at") - F("created"))))
    )
    return CommuneFigures(
        year=year,
        open=counts["open"],
        resolved=counts["resolved"],
        resolved_this_year=this_year["n"],
        median_days_this_year=this_year["median"],
    )


# --- staff -----------------------------------------------------------------------------------------


def open_reports_near(geom: GEOSGeometry, *, radius_m: float, precision: int = 6) -> list[Report]:
    """Open reports within ``radius_m`` metres (EPSG:25833) of ``geom``, newest first, each with
    ``geojson`` (WGS84 GeoJSON text with ``precision`` decimals) and ``distance`` (a ``D`` to ``geom``).
    A permit's conflicts with defects on its area use this (staff only: internal reports included)."""
    return list(
        Report.objects.filter(status__in=OPEN_STATES, location__dwithin=(geom, D(m=radius_m)))
        .select_related("category")
        .annotate(
            geojson=AsGeoJSON(Transform("location", API_SRID), precision=precision),
            distance=Distance("location", geom),
        )
        .order_by("-created")
    )


def categories_active(*, with_group: bool = False) -> QuerySet[Category]:
    """Active categories; ``with_group`` joins the group for pages that show it."""
    qs = Category.objects.filter(active=True)
    return qs.select_related("group") if with_group else qs


def category_settings_by_category(ags: str) -> dict[int, CommuneCategorySetting]:
    """The commune's own settings, keyed by category id (categories without one use the defaults)."""
    return {s.category_id: s for s in CommuneCategorySetting.objects.filter(ags=ags)}


def categories_offered(ags: str | None = None) -> QuerySet[Category]:
    """Active categories with their group and extra questions; with ``ags`` (8 digits) without those the
    commune has switched off."""
    qs = Category.objects.filter(active=True).select_related("group").prefetch_related("attributes")
    if ags:
        switched_off = CommuneCategorySetting.objects.filter(ags=ags, enabled=False).values("category_id")
        qs = qs.exclude(pk__in=switched_off)
    return qs.order_by("group__order", "order", "name")


def public_rows(qs: QuerySet[Report], *, media_base: str, limit: int) -> list[dict[str, Any]]:
    """Flat public fields of up to ``limit`` reports in ``qs``'s order, in one query (used by Open311).

    Adds ``lon``/``lat`` (WGS84, from EPSG:25833 in the query), the newest non-empty public note as
    ``status_note``, the first photo's URL as ``photo_url`` and ``is_open``. Never reporter data.
    """
    latest_note = (
        StatusChange.objects.filter(report=OuterRef("pk"))
        .exclude(public_note="")
        .order_by("-created", "-id")
        .values("public_note")[:1]
    )
    rows = qs.annotate(
        wgs=Transform("location", API_SRID),
        status_note=Subquery(latest_note),
        photo_url=_first_photo("image", media_base),
        public_description=public_description_expression(),  # moderation applies here too
        public_place=public_place_expression(),
        category_label=category_name_expression(),  # Open311 service_name in the request's language
    ).values(
        "public_id",
        "status",
        "category__slug",
        "category_label",
        "public_description",
        "public_place",
        "nearest_address",
        "nearest_address_id",
        "commune__name",
        "created",
        "updated",
        "due",
        "wgs",
        "status_note",
        "photo_url",
    )[:limit]
    result = []
    for row in rows:
        point = row.pop("wgs")
        row["description"] = row.pop("public_description")
        row["place"] = row.pop("public_place")
        row["lon"], row["lat"] = round(point.x, 6), round(point.y, 6)
        row["is_open"] = REPORT_WORKFLOW.is_open(row["status"])
        result.append(row)
    return result
