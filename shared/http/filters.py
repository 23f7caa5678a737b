"""Parse the public report filters (``bbox``, ``status``, ``category``, …) with a 400 for every bad value."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from django.contrib.gis.geos import Polygon
from django.utils import timezone

from domains.reports.models import Category
from domains.reports.selectors import ReportFilter
from domains.reports.staff_selectors import QUEUE_ORDERINGS, QueueFilter
from domains.reports.workflow import OPEN_STATES, REPORT_WORKFLOW, ReportStatus
from kernel.geo.srid import API_SRID
from shared.http.params import ascii_digits, invalid, optional_ags

STATUS_ALIASES = {
    "open": OPEN_STATES,
    "closed": sorted(REPORT_WORKFLOW.closed),
}
MAX_LIST_ITEMS = 20


def _list(params: Mapping[str, str], name: str) -> list[str]:
    raw = params.get(name) or ""
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        raise invalid(name, f"{name}: höchstens {MAX_LIST_ITEMS} Werte.")
    return items


def bbox_polygon(value: str, *, name: str = "bbox") -> Polygon:
    """``minlon,minlat,maxlon,maxlat`` (WGS84) → densified polygon, so it stays exact after reprojection."""
    parts = value.split(",")
    if len(parts) != 4:
        raise invalid(
            name, f"{name}: vier Zahlen erwartet: minLängengrad,minBreitengrad,maxLängengrad,maxBreitengrad."
        )
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise invalid(name, f"{name}: vier Zahlen erwartet, durch Kommas getrennt.") from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise invalid(name, f"{name}: nur endliche Zahlen erlaubt.")
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise invalid(name, f"{name}: Minimum muss kleiner als Maximum sein, innerhalb von ±180° / ±90°.")
    steps = 8
    ring = []
    for i in range(steps):
        ring.append((min_lon + (max_lon - min_lon) * i / steps, min_lat))
    for i in range(steps):
        ring.append((max_lon, min_lat + (max_lat - min_lat) * i / steps))
    for i in range(steps):
        ring.append((max_lon - (max_lon - min_lon) * i / steps, max_lat))
    for i in range(steps):
        ring.append((min_lon, max_lat - (max_lat - min_lat) * i / steps))
    ring.append(ring[0])
    return Polygon(ring, srid=API_SRID)


def _moment(params: Mapping[str, str], name: str, *, end_of_day: bool) -> dt.datetime | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            if end_of_day:
                day += dt.timedelta(days=1)
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        # Python allows offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC.
        moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: the day after 9999-12-31
        raise invalid(name, f"{name}: Datum (JJJJ-MM-TT) oder Zeitpunkt nach ISO 8601 erwartet.") from None
    return moment


def statuses_param(params: Mapping[str, str]) -> list[str]:
    statuses: list[str] = []
    for item in _list(params, "status"):
        if item == "all":
            continue
        if item in STATUS_ALIASES:
            statuses.extend(STATUS_ALIASES[item])
        elif item in ReportStatus.values:
            statuses.append(item)
        else:
            allowed = ", ".join([*ReportStatus.values, "open", "closed"])
            raise invalid("status", f"Unbekannter Status „{item[:40]}“. Erlaubt: {allowed}.")
    return sorted(set(statuses))


def categories_param(params: Mapping[str, str]) -> list[str]:
    slugs = _list(params, "category")
    if slugs:
        known = set(Category.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise invalid("category", f"Unbekannte Kategorie „{unknown[0][:60]}“.")
    return slugs


def report_filter(params: Mapping[str, str]) -> ReportFilter:
    ordering = params.get("ordering") or "-created"
    if ordering not in ("created", "-created"):
        raise invalid("ordering", "ordering: erlaubt sind created und -created.")
    since = _moment(params, "since", end_of_day=False)
    until = _moment(params, "until", end_of_day=True)
    if since and until and since >= until:
        raise invalid("until", "until muss nach since liegen.")
    bbox = params.get("bbox")
    return ReportFilter(
        bbox=bbox_polygon(bbox) if bbox else None,
        statuses=statuses_param(params),
        categories=categories_param(params),
        commune=optional_ags(params, "commune", digits=8),
        district=optional_ags(params, "district", digits=5),
        since=since,
        until=until,
        newest_first=ordering == "-created",
    )


QUEUE_ASSIGNED = {"yes", "no", "me"}


def queue_filter(params: Mapping[str, str]) -> QueueFilter:
    """Staff queue filters (web page and staff API): status (default: all open), category, age in days,
    overdue, assigned (yes/no/me), organisation, ordering, held (only those waiting for release)."""
    statuses = statuses_param(params) if params.get("status") else list(OPEN_STATES)
    if params.get("status") == "all":
        statuses = []
    older = params.get("older_than_days") or ""
    if older:
        if not ascii_digits(older, max_digits=4) or int(older) > 3650:
            raise invalid("older_than_days", "older_than_days: ganze Zahl von 0 bis 3650 erwartet.")
    assigned = params.get("assigned") or None
    if assigned and assigned not in QUEUE_ASSIGNED:
        raise invalid("assigned", "assigned: erlaubt sind yes, no und me.")
    overdue = (params.get("overdue") or "").lower()
    if overdue not in ("", "0", "1", "true", "false", "on"):
        raise invalid("overdue", "overdue: true oder false erwartet.")
    ordering = params.get("ordering") or "due"
    if ordering not in QUEUE_ORDERINGS:
        raise invalid("ordering", f"ordering: erlaubt sind {', '.join(QUEUE_ORDERINGS)}.")
    held = (params.get("held") or "").lower()
    if held not in ("", "0", "1", "true", "false", "on"):
        raise invalid("held", "held: true oder false erwartet.")
    org = params.get("organisation") or ""
    if org and not ascii_digits(org, max_digits=18):
        raise invalid("organisation", "organisation: Nummer der Organisation erwartet.")
    return QueueFilter(
        statuses=statuses,
        categories=categories_param(params),
        older_than_days=int(older) if older else None,
        overdue=overdue in ("1", "true", "on"),
        assigned=assigned,
        organisation_id=int(org) if org else None,
        ordering=ordering,
        held=held in ("1", "true", "on"),
    )


def feed_filter(params: Mapping[str, str]) -> ReportFilter:
    """``/feeds/meldungen.atom``: ``bbox`` (WGS84), ``category`` and ``status`` (lists, as in the API)."""
    bbox = params.get("bbox")
    return ReportFilter(
        bbox=bbox_polygon(bbox) if bbox else None,
        statuses=statuses_param(params),
        categories=categories_param(params),
    )
