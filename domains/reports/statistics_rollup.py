"""The daily roll-up behind Saxony's statistics: yesterday's figures aggregated once, today's changes live.

Why: the live statement (``domains.reports.statistics``) reads every report and sorts it five ways — 6–14 s
with a million reports. The roll-up keeps, per district × category × month of creation × month and whole
days of resolution × flags, how many reports there were when it was built (``reports_statistics_rollup``,
built once a day by the daily job ``statistics_rollup``). A page then reads those rows plus only what
changed since:

- reports created after the build (``id`` above ``max_report_id``, which the build fixed under a lock);
- reports changed or deleted since the build: a trigger on ``reports_report`` copies each one's row as the
  roll-up saw it into ``reports_statistics_dirty`` (first change wins), so its old contribution is taken
  out and its current one added — whatever write path made the change;
- reports that were "created in the last 365 days" at the build and no longer are now.

The result equals the live statement's exactly (``tests/reports/test_statistics_rollup.py`` checks it on
random data): counts are sums, medians and the 90th percentile are ``percentile_cont`` computed from the
histogram of whole days. Why district and not commune × day granularity: with a million reports over 418
communes, ~20 categories and 1,826 days almost every cell holds at most one report — such a table is as big
as ``reports_report`` itself; districts and months keep it to a few ten thousand rows. Districts' and
communes' own pages read few enough reports to stay live. Not covered until the next build: a change of a
category's default deadline (``in_time`` of reports without a due date).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from domains.reports.statistics import _RESOLVED_ALL, _RESOLVED_EACH, _SESSION, base_sql, statement_params
from kernel.core.replica_router import read_alias

KEYS = "area, category_id, created_month, resolved_month, days, is_open, is_resolved, in_time, recent"
_STATE = "reports_statistics_rollup_state"
# The state's values are bound parameters (read first, in the same REPEATABLE READ snapshot): as
# subqueries the planner could not use the primary key and ``created`` indexes and scanned every report.
_LIVE_SOURCE = """(
        SELECT x.* FROM reports_report x WHERE x.id > %(max_report_id)s
        UNION ALL
        SELECT x.* FROM reports_report x WHERE x.id = ANY(ARRAY(SELECT report_id FROM reports_statistics_dirty))
    )"""
_OLD_SOURCE = """(
        SELECT o.*, d.resolved_at AS old_resolved_at
        FROM reports_statistics_dirty d
        CROSS JOIN LATERAL jsonb_populate_record(NULL::reports_report, d.old) o
    )"""
_OLD_RESOLUTION = (
    "CROSS JOIN LATERAL (SELECT CASE WHEN r.status = %(resolved)s THEN r.old_resolved_at END AS at) res"
)
# Counted as "created in the last 365 days" by the build, no longer now (and unchanged since).
_WINDOW_SOURCE = """(
        SELECT x.* FROM reports_report x
        WHERE x.created >= %(recent_since)s AND x.created < %(year_ago)s AND x.id <= %(max_report_id)s
          AND NOT EXISTS (SELECT 1 FROM reports_statistics_dirty d WHERE d.report_id = x.id)
    )"""
_RECENT_SINCE = "%(recent_since)s"


def _contributions(sign: str = "", **base: str) -> str:
    """Rows (keys…, n) of the reports of one source, grouped by every roll-up key; ``sign`` "-" negates."""
    return f"SELECT {KEYS}, {sign}count(*) AS n FROM ({base_sql('state', **base)}) b GROUP BY {KEYS}"


_COMBINED = f"""
WITH parts AS (
    SELECT {KEYS}, n::bigint AS n FROM reports_statistics_rollup
    UNION ALL {_contributions(source=_LIVE_SOURCE, resolution=_RESOLVED_EACH)}
    UNION ALL {_contributions("-", source=_OLD_SOURCE, resolution=_OLD_RESOLUTION, year_ago=_RECENT_SINCE)}
    UNION ALL {_contributions("-", source=_WINDOW_SOURCE, resolution=_RESOLVED_EACH, year_ago=_RECENT_SINCE)}
    UNION ALL {_contributions(source=_WINDOW_SOURCE, resolution=_RESOLVED_EACH)}
), combined AS (
    SELECT {KEYS}, sum(n) AS n FROM parts GROUP BY {KEYS} HAVING sum(n) <> 0
)
SELECT GROUPING(category_id, created_month, resolved_month, area) AS grouping,
       category_id, created_month, resolved_month, area, days,
       sum(n) AS total, sum(n) FILTER (WHERE is_open) AS open, sum(n) FILTER (WHERE is_resolved) AS resolved,
       sum(n) FILTER (WHERE recent) AS last_year, sum(n) FILTER (WHERE in_time) AS in_deadline
FROM combined
GROUP BY GROUPING SETS ((days), (category_id, days), (created_month, days), (resolved_month, days), (area, days))
"""
_BUILD = f"INSERT INTO reports_statistics_rollup ({KEYS}, n) " + _contributions(
    source="reports_report", resolution=_RESOLVED_ALL
)


def statistics_rollup_build(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Rebuild the roll-up from all reports. Writes to ``reports_report`` wait meanwhile (a ``SHARE`` lock,
    a few seconds at night), so that no report is both in the roll-up and counted live, or in neither."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_report IN SHARE MODE")
        now = now or timezone.now()
        cursor.execute("SELECT coalesce(max(id), 0) FROM reports_report")
        max_id = cursor.fetchone()[0]
        cursor.execute(_SESSION)
        cursor.execute("DELETE FROM reports_statistics_rollup; DELETE FROM reports_statistics_dirty")
        params = statement_params(now)
        cursor.execute(_BUILD, params)
        rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {_STATE} (id, built_at, max_report_id, day, recent_since, rows) "  # noqa: S608
            "VALUES (1, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET built_at = EXCLUDED.built_at, "
            "max_report_id = EXCLUDED.max_report_id, day = EXCLUDED.day, "
            "recent_since = EXCLUDED.recent_since, rows = EXCLUDED.rows",
            [now, max_id, timezone.localdate(now), params["year_ago"], rows],
        )
    return {"rows": rows, "max_report_id": max_id, "built_at": now.isoformat()}


def statistics_rollup_daily_job(day: dt.date) -> dict[str, Any]:
    """The daily job (``kernel.notifications.daily``: exactly once a day across task workers)."""
    return statistics_rollup_build()


def percentile_cont(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` over the values of ``histogram`` ((value, count), sorted), the same
    floating-point steps as its ``float8_lerp``, so both paths agree to the last bit."""
    count = sum(n for _, n in histogram)
    if count == 0:
        return None
    rank = fraction * (count - 1)
    first_row, second_row = math.floor(rank), math.ceil(rank)

    def value_at(row: int) -> float:
        seen = 0
        for value, n in histogram:
            seen += n
            if row < seen:
                return float(value)
        raise AssertionError("row beyond the histogram")

    first = value_at(first_row)
    if second_row == first_row:
        return first
    second = value_at(second_row)
    return first + ((rank - first_row) * (second - first))


def rolled_up_rows(now: dt.datetime) -> list[dict] | None:
    """Grouped rows in the shape of the live statement's, or None when no roll-up was built yet."""
    alias = read_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        if not connections[alias].savepoint_ids:  # our own transaction (not nested in a caller's)
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot for both
        cursor.execute(f"SELECT max_report_id, recent_since FROM {_STATE}")  # noqa: S608 fixed name
        state = cursor.fetchone()
        if state is None:
            return None
        cursor.execute(_SESSION)
        params = statement_params(now) | {"max_report_id": state[0], "recent_since": state[1]}
        cursor.execute(_COMBINED, params)
        names = [c.name for c in cursor.description]
        raw = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    groups: dict[tuple, dict] = {}
    histograms: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for row in sorted(raw, key=lambda r: (r["days"] is None, r["days"] or 0)):
        key = (row["grouping"], row["category_id"], row["created_month"], row["resolved_month"], row["area"])
        group = groups.setdefault(
            key,
            dict(
                zip(("grouping", "category_id", "created_month", "resolved_month", "area"), key, strict=True)
            )
            | {"total": 0, "open": 0, "resolved": 0, "last_year": 0, "in_deadline": 0},
        )
        for name in ("total", "open", "resolved", "last_year", "in_deadline"):
            group[name] += int(row[name] or 0)
        if row["days"] is not None and row["total"]:
            histograms[key].append((row["days"], int(row["total"])))
    for key, group in groups.items():
        group["median_days"] = percentile_cont(histograms[key], 0.5)
        group["p90_days"] = percentile_cont(histograms[key], 0.9)
    return [group for group in groups.values() if group["total"]]
