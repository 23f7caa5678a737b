"""Public statistics of reports for Saxony, a district or a commune, computed in PostgreSQL.

One statement per scope: a ``MATERIALIZED`` CTE reads the scope's reports once (with the time of their
latest move to ``resolved`` from the status history), and ``GROUPING SETS`` aggregate it five ways at
once — in total, per category, per month of creation, per month of resolution and per area (the districts
of Saxony, the communes of a district). Medians and the 90th percentile are ``percentile_cont``; nothing
is counted in Python. The result is cached per scope for a few minutes (``STATISTICS_CACHE_SECONDS``):
the figures change slowly and the statement reads every report of the scope.

Definitions (also on the page):

- *open*: in an open state (submitted, in review, in progress); *resolved*: status ``resolved`` now;
- *days to resolution*: from creation to the latest move to ``resolved`` (a reopened report counts again
  only once resolved again);
- *within the deadline*: resolved no later than the report's ``due`` time (set at creation from the
  category's deadline, or the commune's own), or for reports without one created + the category's default
  deadline;
- *per 1,000 inhabitants*: reports created in the last 365 days per 1,000 inhabitants, only when the
  population of every commune in the scope is known.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import translation

from domains.reports.models import Category, public_reports_sql
from domains.reports.workflow import OPEN_STATES, ReportStatus
from kernel.core.replica_router import read_alias

ScopeKind = Literal["state", "district", "commune"]
CACHE_VERSION = 2
STALE_FACTOR = 12  # a stale entry is still served (while one request refreshes it) this many × the TTL
LOCK_SECONDS = 120  # longest a refresh may hold the lock (the statement takes seconds with 10⁶ reports)

# {area}, {join}, {resolution}, {public} and {where} are fixed fragments from _SCOPES (never user text); values
# are bound parameters.
# Which reports the public statistics count — the one place (the live statement, the roll-up and its
# corrections all use it, on a row ``r`` of ``reports_report``). A report that must stay out of every public
# figure (one marked internal: ``PUBLIC_REPORTS`` of the models, as SQL) is excluded here and nowhere else.
PUBLIC_REPORTS_SQL = public_reports_sql("r")
# One row per report of the scope: its flags and keys. Kept narrow (flags instead of timestamps) because each
# grouping set sorts it once. ``days`` are whole days (rounded) from creation to resolution, so that the
# daily roll-up (a histogram of those days) gives exactly the same medians as this statement.
_BASE = """
    SELECT r.status = ANY(%(open)s) AS is_open, r.status = %(resolved)s AS is_resolved,
           r.category_id, {area} AS area,
           date_trunc('month', r.created AT TIME ZONE %(tz)s)::date AS created_month,
           date_trunc('month', res.at AT TIME ZONE %(tz)s)::date AS resolved_month,
           round(EXTRACT(EPOCH FROM res.at - r.created) / 86400)::int AS days,
           r.created >= {year_ago} AS recent,
           res.at <= COALESCE(r.due, r.created + make_interval(days => cat.default_sla_days)) AS in_time
    FROM {source} r
    JOIN reports_category cat ON cat.id = r.category_id
    {join}
    {resolution}
    WHERE ({public}) {where}
"""
_STATEMENT = (
    "WITH base AS MATERIALIZED ({base})"
    + """
SELECT GROUPING(category_id, created_month, resolved_month, area) AS grouping,
       category_id, created_month, resolved_month, area,
       count(*) AS total,
       count(*) FILTER (WHERE is_open) AS open,
       count(*) FILTER (WHERE is_resolved) AS resolved,
       count(*) FILTER (WHERE recent) AS last_year,
       count(*) FILTER (WHERE in_time) AS in_deadline,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days::float8) AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY days::float8) AS p90_days
FROM base
GROUP BY GROUPING SETS ((), (category_id), (created_month), (resolved_month), (area))
"""
)
# When a report was resolved: its latest move to "resolved". For all of Saxony one hash join against the
# history aggregated per report (a pass over the history table) beats half a million index lookups; for
# a district or commune the index lookups for its own reports are cheaper than that pass.
_RESOLVED_ALL = """LEFT JOIN (
        SELECT sc.report_id, max(sc.created) AS at FROM reports_statuschange sc
        WHERE sc.to_status = %(resolved)s GROUP BY sc.report_id
    ) res ON res.report_id = r.id AND r.status = %(resolved)s"""
_RESOLVED_EACH = """LEFT JOIN LATERAL (
        SELECT max(sc.created) AS at FROM reports_statuschange sc
        WHERE sc.report_id = r.id AND sc.to_status = %(resolved)s AND r.status = %(resolved)s
    ) res ON true"""
_SCOPES: dict[str, dict[str, str]] = {
    "state": {
        "area": "d.ags",
        "join": "JOIN boundaries_district d ON d.id = r.district_id",
        "resolution": _RESOLVED_ALL,
        "where": "",
    },
    "district": {
        "area": "c.ags",
        "join": "JOIN boundaries_commune c ON c.id = r.commune_id",
        "resolution": _RESOLVED_EACH,
        "where": "AND r.district_id IN (SELECT id FROM boundaries_district WHERE ags = %(ags)s)",
    },
    "commune": {
        "area": "NULL::varchar",
        "join": "",
        "resolution": _RESOLVED_EACH,
        "where": "AND r.commune_id IN (SELECT id FROM boundaries_commune WHERE ags = %(ags)s)",
    },
}
# The statement reads every report of the scope once: JIT compilation (≈ 0.5 s) costs more than it saves,
# and with the default work_mem the four sorts of a million rows spill to disk.
_SESSION = "SET LOCAL jit = off; SET LOCAL work_mem = '128MB'"
# GROUPING(category_id, created_month, resolved_month, area): a bit is 1 where the column is aggregated.
_GROUPS = {0b1111: "total", 0b0111: "category", 0b1011: "created", 0b1101: "resolved", 0b1110: "area"}
_POPULATION = """
SELECT {key} AS key, sum(c.population), count(*) = count(c.population)
FROM boundaries_commune c JOIN boundaries_district d ON d.id = c.district_id
WHERE c.valid_to IS NULL {where} GROUP BY ROLLUP ({key})
"""


@dataclass(frozen=True)
class Figures:
    """The figures of one group: all reports of a scope, a category, a month or an area."""

    total: int = 0
    open: int = 0
    resolved: int = 0
    last_year: int = 0  # created in the last 365 days
    in_deadline: int = 0  # resolved within the deadline
    median_days: float | None = None
    p90_days: float | None = None
    population: int | None = None  # None: unknown for at least one commune

    @property
    def in_deadline_share(self) -> float | None:
        """Share (0–1) of the resolved reports that were resolved within their deadline."""
        return self.in_deadline / self.resolved if self.resolved else None

    @property
    def per_1000(self) -> float | None:
        """Reports of the last 365 days per 1,000 inhabitants (None when the population is unknown)."""
        return self.last_year * 1000 / self.population if self.population else None


@dataclass(frozen=True)
class Row:
    key: str  # category slug, month (ISO date of its first day) or AGS
    label: str
    figures: Figures


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    created: int
    resolved: int
    median_days: float | None


@dataclass
class ScopeStatistics:
    kind: ScopeKind
    ags: str
    computed: dt.datetime
    summary: Figures
    months: list[MonthRow] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)
    areas: list[Row] = field(default_factory=list)  # districts (state) or communes (district)


def _figures(row: dict, population: int | None = None) -> Figures:
    return Figures(
        total=row["total"],
        open=row["open"],
        resolved=row["resolved"],
        last_year=row["last_year"],
        in_deadline=row["in_deadline"],
        median_days=row["median_days"],
        p90_days=row["p90_days"],
        population=population,
    )


def base_sql(
    kind: ScopeKind,
    *,
    source: str = "reports_report",
    resolution: str | None = None,
    year_ago: str = "%(year_ago)s",
) -> str:
    """The per-report ``SELECT`` of a scope over ``source`` (a table or subquery aliased ``r``), with the
    public filter; ``resolution`` overrides how the time of resolution ``res.at`` is found."""
    scope = _SCOPES[kind]
    return _BASE.format(
        area=scope["area"],
        join=scope["join"],
        resolution=scope["resolution"] if resolution is None else resolution,
        where=scope["where"],
        source=source,
        year_ago=year_ago,
        public=PUBLIC_REPORTS_SQL,
    )


def statement_params(now: dt.datetime, ags: str = "") -> dict:
    return {
        "tz": settings.TIME_ZONE,
        "resolved": ReportStatus.RESOLVED.value,
        "open": list(OPEN_STATES),
        "year_ago": now - dt.timedelta(days=365),
        "ags": ags,
    }


def _grouped_rows(kind: ScopeKind, ags: str, now: dt.datetime, *, rollup: bool = True) -> list[dict]:
    if kind == "state" and rollup:
        from domains.reports.statistics_rollup import rolled_up_rows  # it imports this module

        rows = rolled_up_rows(now)
        if rows is not None:
            return rows
    sql = _STATEMENT.format(base=base_sql(kind))
    params = statement_params(now, ags)
    alias = read_alias()  # the replica for /statistik/ when one is configured (kernel.core.replica_router)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(_SESSION)
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _populations(kind: ScopeKind, ags: str) -> tuple[int | None, dict[str, int | None], dict[str, str]]:
    """Population of the scope and of each area (None where any commune's is unknown), area names."""
    key, where = {
        "state": ("d.ags", ""),
        "district": ("c.ags", "AND d.ags = %(ags)s"),
        "commune": ("c.ags", "AND c.ags = %(ags)s"),
    }[kind]
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_POPULATION.format(key=key, where=where), {"ags": ags})
        rows = cursor.fetchall()
        table = "boundaries_district" if kind == "state" else "boundaries_commune"
        cursor.execute(f"SELECT ags, name FROM {table} WHERE valid_to IS NULL")  # noqa: S608 fixed names
        names = dict(cursor.fetchall())
    sums = {k: (total if complete and total else None) for k, total, complete in rows}
    return sums.pop(None, None), sums, names


def _months(created: dict[dt.date, dict], resolved: dict[dt.date, dict], now: dt.datetime) -> list[MonthRow]:
    """The last 24 months (oldest first), zero where nothing happened."""
    first = now.date().replace(day=1)
    months = []
    for back in range(23, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        day = dt.date(year, month + 1, 1)
        months.append(
            MonthRow(
                month=day,
                created=created.get(day, {}).get("total", 0),
                resolved=resolved.get(day, {}).get("total", 0),
                median_days=resolved.get(day, {}).get("median_days"),
            )
        )
    return months


def compute_statistics(
    kind: ScopeKind, ags: str = "", *, now: dt.datetime | None = None, rollup: bool = True
) -> ScopeStatistics:
    """Figures of one scope from the database (uncached; see :func:`scope_statistics`). Saxony's come from
    the daily roll-up plus today's changes when it has been built (``rollup=False``: all live)."""
    now = now or dt.datetime.now(dt.UTC)
    groups: dict[str, list[dict]] = {name: [] for name in _GROUPS.values()}
    for row in _grouped_rows(kind, ags, now, rollup=rollup):
        groups[_GROUPS[row["grouping"]]].append(row)
    population, area_population, names = _populations(kind, ags)
    total = groups["total"][0] if groups["total"] else {}
    categories = {c.pk: c for c in Category.objects.only("slug", "name", "name_en")}
    stats = ScopeStatistics(
        kind=kind,
        ags=ags,
        computed=now,
        summary=_figures(total, population) if total else Figures(population=population),
    )
    stats.months = _months(
        {r["created_month"]: r for r in groups["created"] if r["created_month"]},
        {r["resolved_month"]: r for r in groups["resolved"] if r["resolved_month"]},
        now,
    )
    stats.categories = sorted(
        (
            Row(categories[r["category_id"]].slug, categories[r["category_id"]].display_name, _figures(r))
            for r in groups["category"]
        ),
        key=lambda row: (-row.figures.total, row.label),
    )
    if kind != "commune":
        stats.areas = sorted(
            (
                Row(r["area"], names.get(r["area"], r["area"]), _figures(r, area_population.get(r["area"])))
                for r in groups["area"]
                if r["area"]
            ),
            key=lambda row: (row.label, row.key),  # two districts are called "Leipzig" (city and Landkreis)
        )
    return stats


def cache_key(kind: str, ags: str = "") -> str:
    """Where one scope's figures are cached (its refresh lock is this key plus ``:lock``).

    Per language: the figures carry category names (English in English mode), so figures computed for a
    German page must never be served to an English one, nor the other way round."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return f"statistics:v{CACHE_VERSION}:{language}:{kind}:{ags}"


def scope_statistics(kind: ScopeKind, ags: str = "") -> ScopeStatistics:
    """Cached figures of one scope (key per scope), fresh for ``STATISTICS_CACHE_SECONDS`` (300 s).

    Stale-while-revalidate: an entry is kept 12 × as long as it is fresh. When it has gone stale, the
    first request takes a short lock (``cache.add``) and recomputes; requests meanwhile get the stale
    figures at once instead of running the same statement side by side. Only a scope with no entry at
    all is computed by whoever asks."""
    key = cache_key(kind, ags)
    fresh_seconds = settings.STATISTICS_CACHE_SECONDS
    entry = cache.get(key)
    now = time.time()
    if entry is not None and (entry[1] > now or not cache.add(f"{key}:lock", 1, LOCK_SECONDS)):
        return entry[0]
    try:
        stats = compute_statistics(kind, ags)
        cache.set(key, (stats, time.time() + fresh_seconds), fresh_seconds * STALE_FACTOR)
    finally:
        if entry is not None:
            cache.delete(f"{key}:lock")
    return stats
