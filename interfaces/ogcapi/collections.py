"""The four collections: what each serves, how it filters, how PostgreSQL writes its GeoJSON features.

Reports and permits reuse the domain selectors' public feature expressions (``domains.reports.selectors``,
``domains.permits.selectors``), so this interface shows exactly the fields the REST API and the map show: no
reporter or applicant data, moderated descriptions replaced. Communes and districts are the current
versions of the official boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import CharField, F, JSONField, QuerySet, Value
from django.db.models.functions import Cast, JSONObject
from django.http import HttpRequest

from domains.permits.selectors import permit_public_feature_expression, permits_public
from domains.reports.selectors import public_feature_expression, reports_public, reports_public_total
from domains.reports.workflow import ReportStatus
from interfaces.ogcapi.errors import bad_parameter
from interfaces.ogcapi.params import Filter, ItemsQuery
from kernel.boundaries.models import Commune, District

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
AGS8 = re.compile(r"^\d{8}$")


def _values(name: str, allowed: Callable[[str], bool], hint: str) -> Filter:
    def parse(text: str) -> list[str]:
        values = [v.strip() for v in text.split(",") if v.strip()]
        if not values or not all(allowed(v) for v in values):
            raise bad_parameter(name, hint)
        return values

    return parse


STATUS = _values(
    "status", lambda v: v in ReportStatus.values, f"einer oder mehrere von {', '.join(ReportStatus.values)}."
)
CATEGORY = _values("category", lambda v: bool(SLUG.match(v)), "Kürzel einer Kategorie, z. B. schlagloch.")
COMMUNE = _values("commune", lambda v: bool(AGS8.match(v)), "8-stelliger Gemeindeschlüssel, z. B. 14612000.")

FeatureBuilder = Callable[[HttpRequest, int, int], Any]


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    base: Callable[[], QuerySet]
    feature: FeatureBuilder  # (request, srid, precision) -> expression of one GeoJSON feature
    id_field: str
    geom_field: str
    temporal: str | None = None  # "created" (an instant) or "period" (start/end)
    filters: dict[str, Filter] = field(default_factory=dict)
    # numberMatched without counting the rows, where the collection keeps counts (else None: count them)
    total: Callable[[ItemsQuery], int | None] = lambda q: None

    def items(self, q: ItemsQuery) -> QuerySet:
        qs = self.base()
        if q.bbox_empty:
            return qs.none()
        if q.bbox is not None:
            qs = qs.filter(**{f"{self.geom_field}__intersects": q.bbox})
        qs = self._in_time(qs, q)
        for name, values in q.filters.items():
            lookup = {"status": "status__in", "category": "category__slug__in", "commune": "commune__ags__in"}
            qs = qs.filter(**{lookup[name]: values})
        return qs.order_by(self.id_field)

    def _in_time(self, qs: QuerySet, q: ItemsQuery) -> QuerySet:
        if self.temporal == "created":
            if q.since:
                qs = qs.filter(created__gte=q.since)
            if q.until:
                qs = qs.filter(created__lte=q.until)
        elif self.temporal == "period":  # [start, end) overlaps [since, until]
            if q.since:
                qs = qs.filter(end__gt=q.since)
            if q.until:
                qs = qs.filter(start__lte=q.until)
        return qs

    def features(self, qs: QuerySet, request: HttpRequest, srid: int, precision: int) -> QuerySet:
        """``qs`` as serialized GeoJSON features (text), one SQL statement."""
        expression = Cast(self.feature(request, srid, precision), CharField())
        return qs.annotate(feature=expression).values_list("feature", flat=True)


def _report_total(q: ItemsQuery) -> int | None:
    """Property filters only: the reports' pre-aggregated counts answer exactly. With a place or time
    the rows must be counted."""
    if q.bbox is not None or q.bbox_empty or q.since or q.until:
        return None
    f = q.filters
    return reports_public_total(
        statuses=f.get("status", ()), categories=f.get("category", ()), communes=f.get("commune", ())
    )


def _report_feature(request: HttpRequest, srid: int, precision: int) -> Any:
    return public_feature_expression(
        media_base=request.build_absolute_uri(settings.MEDIA_URL),
        detail_base=request.build_absolute_uri("/api/v1/reports/"),
        srid=srid,
        precision=precision,
    )


def _permit_feature(request: HttpRequest, srid: int, precision: int) -> Any:
    return permit_public_feature_expression(srid=srid, precision=precision)


def _boundary_feature(**properties: Any) -> FeatureBuilder:
    def build(request: HttpRequest, srid: int, precision: int) -> Any:
        return JSONObject(
            type=Value("Feature"),
            id=F("ags"),
            geometry=Cast(AsGeoJSON(Transform("geom", srid), precision=precision), JSONField()),
            properties=JSONObject(ags=F("ags"), name=F("name"), bez=F("bez"), **properties),
        )

    return build


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in [
        Collection(
            id="reports",
            title="Mängelmeldungen",
            description="Öffentliche Mängelmeldungen (ohne Angaben zu den Meldenden); Zeit: Eingang.",
            base=reports_public,
            feature=_report_feature,
            id_field="public_id",
            geom_field="location",
            temporal="created",
            filters={"status": STATUS, "category": CATEGORY, "commune": COMMUNE},
            total=_report_total,
        ),
        Collection(
            id="permits",
            title="Sondernutzungen (genehmigt)",
            description="Genehmigte Sondernutzungen mit Zeitraum (ohne Angaben zu den Antragstellenden).",
            base=permits_public,
            feature=_permit_feature,
            id_field="public_id",
            geom_field="location",
            temporal="period",
            filters={"commune": COMMUNE},
        ),
        Collection(
            id="communes",
            title="Gemeinden",
            description="Die Gemeinden Sachsens (aktueller Gebietsstand).",
            base=lambda: Commune.objects.current(),
            feature=_boundary_feature(district=F("district__ags")),
            id_field="ags",
            geom_field="geom",
        ),
        Collection(
            id="districts",
            title="Landkreise und Kreisfreie Städte",
            description="Die Landkreise und Kreisfreien Städte Sachsens (aktueller Gebietsstand).",
            base=lambda: District.objects.current(),
            feature=_boundary_feature(),
            id_field="ags",
            geom_field="geom",
        ),
    ]
}
