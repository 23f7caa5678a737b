"""Reading Open311 parameters: jurisdiction, the GET requests filters, POSTed attributes.

Every bad value becomes a 400 (or 404 for an unknown jurisdiction, as the spec's errors list it) with a
German message naming the parameter — never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils import timezone

from domains.reports.models import Category
from domains.reports.workflow import OPEN_STATES, REPORT_WORKFLOW
from interfaces.api.open311.errors import Open311Error
from kernel.boundaries.models import Commune, District

MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
YEARS = (1900, 2200)  # plausible dates; keeps date arithmetic far from datetime's limits
MAX_IDS = MAX_RESULTS
MAX_CODES = 50
STATUSES = {"open": OPEN_STATES, "closed": sorted(REPORT_WORKFLOW.closed)}
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
# An offset's "+" arrives as a space when a client forgets to escape it: "…T13:00:00 01:00".
_UNESCAPED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def bad(name: str, message: str) -> Open311Error:
    return Open311Error(400, [f"{name}: {message}"])


def single(params: Mapping[str, str], name: str) -> str:
    """The parameter as stripped text ('' when absent)."""
    return (params.get(name) or "").strip()


@dataclass(frozen=True)
class Jurisdiction:
    """A Saxon commune (8-digit AGS) or district (5-digit key) that narrows the results."""

    ags: str
    name: str

    @property
    def is_commune(self) -> bool:
        return len(self.ags) == 8


def jurisdiction(params: Mapping[str, str]) -> Jurisdiction | None:
    """``jurisdiction_id`` if given; empty counts as absent (FixMyStreet sends it empty). Unknown → 404."""
    value = single(params, "jurisdiction_id")
    if not value:
        return None
    found = None
    if re.fullmatch(r"\d{8}", value):
        found = Commune.objects.current().filter(ags=value).only("ags", "name").first()
    elif re.fullmatch(r"\d{5}", value):
        found = District.objects.current().filter(ags=value).only("ags", "name").first()
    if found is None:
        raise Open311Error(
            404,
            [
                f"jurisdiction_id: unbekannt „{value[:20]}“. Erwartet wird der Gemeindeschlüssel (AGS, 8 Ziffern) "
                "einer sächsischen Gemeinde oder der Schlüssel (5 Ziffern) eines Landkreises oder einer "
                "kreisfreien Stadt, z. B. 14628270 oder 14628."
            ],
        )
    return Jurisdiction(ags=found.ags, name=found.name)


def w3c_moment(params: Mapping[str, str], name: str, *, end: bool) -> dt.datetime | None:
    """A W3C date/time (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date-time with offset).

    Date-only values cover the whole period: as ``end_date`` they end after it. A date-time without
    offset is read as Saxon local time.
    """
    value = single(params, name)
    if not value:
        return None
    moment = _parse_w3c(value, name, end=end)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise bad(name, f"bitte ein Datum zwischen {YEARS[0]} und {YEARS[1]}.")
    return moment


def _parse_w3c(value: str, name: str, *, end: bool) -> dt.datetime:
    try:
        if _YEAR.match(value):
            start = dt.datetime(int(value), 1, 1)
            following = dt.datetime(int(value) + 1, 1, 1)
        elif _MONTH.match(value):
            year, month = int(value[:4]), int(value[5:7])
            start = dt.datetime(year, month, 1)
            following = dt.datetime(year + month // 12, month % 12 + 1, 1)
        elif len(value) == 10:
            start = dt.datetime.combine(dt.date.fromisoformat(value), dt.time.min)
            following = start + dt.timedelta(days=1)
        else:
            moment = dt.datetime.fromisoformat(_UNESCAPED_PLUS.sub(r"\1+\2", value))
            if timezone.is_naive(moment):
                return timezone.make_aware(moment)
            # Python allows offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC.
            return moment.astimezone(dt.UTC)
        return timezone.make_aware(following if end else start)
    except (ValueError, OverflowError):
        raise bad(name, "Datum/Zeitpunkt im W3C-Format erwartet, z. B. 2026-11-25T13:00:00+01:00.") from None


def comma_list(params: Mapping[str, str], name: str, *, limit: int) -> list[str]:
    items = list(dict.fromkeys(item.strip() for item in single(params, name).split(",") if item.strip()))
    if len(items) > limit:
        raise bad(name, f"höchstens {limit} Werte.")
    return items


@dataclass
class RequestQuery:
    """GET requests filters: ``ids`` overrides all others (as the spec says)."""

    ids: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _period(params: Mapping[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """The requested_datetime range: at most 90 days, by default the most recent 90 days."""
    start = w3c_moment(params, "start_date", end=False)
    end = w3c_moment(params, "end_date", end=True)
    if start and end:
        if end <= start:
            raise bad("end_date", "muss nach start_date liegen.")
        if end - start > MAX_SPAN + dt.timedelta(days=1):  # a date-only end_date includes its own day
            raise bad("end_date", "der Zeitraum darf höchstens 90 Tage umfassen.")
        return start, end
    if start:
        return start, start + MAX_SPAN
    if end:
        return end - MAX_SPAN, end
    now = timezone.now()
    return now - MAX_SPAN, now + dt.timedelta(seconds=1)


def request_query(params: Mapping[str, str]) -> RequestQuery:
    ids = comma_list(params, "service_request_id", limit=MAX_IDS)
    if ids:
        return RequestQuery(ids=ids)
    codes = comma_list(params, "service_code", limit=MAX_CODES)
    if codes:
        known = set(Category.objects.filter(slug__in=codes).values_list("slug", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise bad("service_code", f"unbekannt „{unknown[0][:60]}“ (siehe services.xml).")
    statuses: list[str] = []
    for item in comma_list(params, "status", limit=2):
        if item.lower() not in STATUSES:
            raise bad("status", f"„{item[:20]}“ ist unbekannt; möglich sind open und closed.")
        statuses.extend(STATUSES[item.lower()])
    start, end = _period(params)
    return RequestQuery(service_codes=codes, statuses=sorted(set(statuses)), start=start, end=end)


def posted_attributes(data: QueryDict) -> dict[str, str | list[str]]:
    """``attribute[code]=v`` and, for multi-value lists, ``attribute[code][]=v1&attribute[code][]=v2``
    (a repeated ``attribute[code]`` also gives a list)."""
    answers: dict[str, str | list[str]] = {}
    for key in data:
        match = ATTRIBUTE_RE.match(key)
        if not match:
            continue
        code, values = match.group(1), data.getlist(key)
        if match.group(2) or len(values) > 1 or isinstance(answers.get(code), list):
            previous = answers.get(code)
            merged = previous if isinstance(previous, list) else ([previous] if previous else [])
            answers[code] = merged + values
        else:
            answers[code] = values[0] if values else ""
    return answers
