"""Keeping ``ReportCount`` (reports per commune version, status and category) exact, and the tile cache fresh.

The low-zoom vector tiles (one badge per commune, ``domains.reports.tiles.rendering``) sum these counts instead of counting
the reports themselves. Every write that changes what a tile shows calls :func:`report_added` or
:func:`report_moved`, inside the writer's transaction, so the counts
commit or roll back with the report. The cached tiles the report lies in are dropped after the commit
(``domains.reports.tiles.cache``), never before: a tile rebuilt between the two would be cached from the old data.

Only public reports are counted (``PUBLIC_REPORTS``: not "intern", not waiting for release): the counts are
what the public may see, so marking a report internal takes it out (:func:`report_visibility_changed`),
un-marking or releasing a held report puts it back.

Concurrency: the upsert locks the count rows it changes until the commit, in a fixed order (sorted
keys, one statement), so two status changes in opposite directions in the same commune and category
wait for each other instead of deadlocking.

Bulk actions (``domains.reports.services.bulk``) run the same single-case services inside
:func:`counts_batched`: the count deltas of all cases that succeeded are summed and written in one upsert
before the commit, and their tiles dropped in one cache call after it — the same rows and tiles as 500
single calls, without 500 upserts and 500 cache round trips (issue 30.8). A case rolled back to its
savepoint leaves no delta and no tile behind (:meth:`CountBatch.case`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import connection, transaction

from domains.reports.models import Report, StatusChange, public_reports_sql
from domains.reports.tiles.cache import drop_all_tiles, drop_tiles_of, drop_tiles_of_many

_UPSERT = """
    INSERT INTO reports_reportcount (commune_id, status, category_id, n)
    SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], %s::int[])
    ON CONFLICT (commune_id, status, category_id) DO UPDATE SET n = reports_reportcount.n + EXCLUDED.n
"""

# Count rows that differ from a fresh count (missing, surplus or wrong ``n``; rows with n = 0 are equal to
# missing ones).
_DIFFERENCES = """
    WITH fresh AS (
        SELECT commune_id, status, category_id, count(*)::int AS n FROM reports_report r
        WHERE {public} GROUP BY commune_id, status, category_id
    ), kept AS (SELECT commune_id, status, category_id, n FROM reports_reportcount WHERE n <> 0)
    SELECT count(*) FROM fresh FULL JOIN kept USING (commune_id, status, category_id)
    WHERE fresh.n IS DISTINCT FROM kept.n
""".format(public=public_reports_sql("r"))

_REBUILD = """
    DELETE FROM reports_reportcount;
    INSERT INTO reports_reportcount (commune_id, status, category_id, n)
    SELECT commune_id, status, category_id, count(*) FROM reports_report r
    WHERE {public} GROUP BY commune_id, status, category_id;
""".format(public=public_reports_sql("r"))


@dataclass
class CountBatch:
    """Count deltas and tile drops of a bulk action, kept per case until that case has succeeded."""

    deltas: Counter = field(default_factory=Counter)  # (commune_id, status, category_id) → n
    places: list[tuple[Point, int]] = field(default_factory=list)
    case_deltas: Counter | None = None
    case_places: list[tuple[Point, int]] | None = None

    @contextmanager
    def case(self) -> Iterator[None]:
        """One case (around its savepoint): its deltas and tiles count only if it raises nothing."""
        self.case_deltas, self.case_places = Counter(), []
        try:
            yield  # an exception here skips the merge: the case's savepoint was rolled back
            self.deltas.update(self.case_deltas)
            self.places.extend(self.case_places)
        finally:
            self.case_deltas = self.case_places = None


_batch: ContextVar[CountBatch | None] = ContextVar("report_count_batch", default=None)


def _upsert(rows: list[tuple[int, str, int, int]]) -> None:
    rows = sorted(row for row in rows if row[3])  # a fixed order: no deadlock between two writers
    if rows:
        with connection.cursor() as cur:
            cur.execute(_UPSERT, [[r[i] for r in rows] for i in range(4)])


@contextmanager
def counts_batched() -> Iterator[CountBatch]:
    """Inside the caller's transaction: collect the count deltas and tile drops of many single-case calls
    (each wrapped in :meth:`CountBatch.case`), then write them in one upsert and drop the tiles in one
    cache call after the commit. Nested use joins the outer batch."""
    outer = _batch.get()
    if outer is not None:
        yield outer
        return
    batch = CountBatch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
    _upsert([(*key, n) for key, n in batch.deltas.items()])
    if batch.places:
        places = list(batch.places)
        transaction.on_commit(lambda: drop_tiles_of_many(places))


def _add(report: Report, deltas: dict[str, int]) -> None:
    keys = sorted((status, delta) for status, delta in deltas.items() if delta)
    if not keys:
        return
    batch = _batch.get()
    if batch is not None and batch.case_deltas is not None:
        batch.case_deltas.update(
            {(report.commune_id, status, report.category_id): delta for status, delta in keys}
        )
        return
    n = len(keys)
    with connection.cursor() as cur:
        cur.execute(
            _UPSERT,
            [
                [report.commune_id] * n,
                [status for status, _ in keys],
                [report.category_id] * n,
                [delta for _, delta in keys],
            ],
        )


def _drop_tiles_after_commit(report: Report) -> None:
    location, commune_id = report.location.clone(), report.commune_id
    batch = _batch.get()
    if batch is not None and batch.case_places is not None:
        batch.case_places.append((location, commune_id))
        return
    transaction.on_commit(lambda: drop_tiles_of(location, commune_id))


def report_added(report: Report) -> None:
    """A new report was inserted (inside the caller's transaction)."""
    if not report.is_public:  # entered as internal or held for review: not counted, no public tile shows it
        return
    _add(report, {report.status: 1})
    _drop_tiles_after_commit(report)


def report_moved(report: Report, change: StatusChange) -> None:
    """``change`` of ``report`` was recorded (inside the caller's transaction); a note changes nothing."""
    if change.from_status == change.to_status or not report.is_public:
        return
    _add(report, {change.from_status: -1, change.to_status: 1})
    _drop_tiles_after_commit(report)


def report_visibility_changed(report: Report) -> None:
    """``report.is_public`` was just switched (inside the caller's transaction: marked internal, public again,
    or released after review): its count leaves the public figures or comes back, and the tiles it lies in
    are dropped after commit. Callers call it only when ``is_public`` really changed."""
    _add(report, {report.status: 1 if report.is_public else -1})
    _drop_tiles_after_commit(report)


def report_corrected(report: Report, *, commune_id: int, category_id: int, location: Point) -> None:
    """``report``'s commune, category or point was corrected (inside the caller's transaction, after the
    save); ``commune_id``, ``category_id`` and ``location`` (EPSG:25833) are the values before. The old count
    row loses one, the new one gains one — one statement, rows in a fixed order as in :func:`_add` — and
    the cached tiles at the old and the new place (both communes' badges) are dropped after the commit.
    An internal report is in no count (``PUBLIC_REPORTS``), so only its tiles are dropped."""
    old = (commune_id, report.status, category_id)
    new = (report.commune_id, report.status, report.category_id)
    if old != new and report.is_public:
        rows = sorted([(*old, -1), (*new, 1)])
        with connection.cursor() as cur:
            cur.execute(_UPSERT, [[r[i] for r in rows] for i in range(4)])
    before = location.clone()
    transaction.on_commit(lambda: drop_tiles_of(before, commune_id))
    _drop_tiles_after_commit(report)


def count_differences() -> int:
    """How many count rows a rebuild would change (0 while every write went through the services)."""
    with connection.cursor() as cur:
        cur.execute(_DIFFERENCES)
        return cur.fetchone()[0]


def rebuild_counts() -> int:
    """Recount everything from ``reports_report`` in one transaction (readers see the old or the new
    counts) and make every cached tile stale after the commit. Returns the number of count rows. For bulk
    loads that bypass the services (e.g. ``bench/generate_reports.py``) and repairs."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("LOCK TABLE reports_reportcount IN EXCLUSIVE MODE")
        cur.execute(_REBUILD)
        cur.execute("SELECT count(*) FROM reports_reportcount")
        rows = cur.fetchone()[0]
        transaction.on_commit(drop_all_tiles)
    return rows
