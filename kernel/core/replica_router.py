"""Which database a read goes to: the primary, or the streaming replica for heavy public reads.

With ``DATABASE_REPLICA_URL`` set, ``DATABASES`` has a second alias ``replica``. Nothing reads from it by
default: a request is marked for the replica by ``shared.http.middleware.replica_reads.ReplicaReadMiddleware`` (public GETs
of GeoJSON lists, Open311 lists, OGC API, statistics, feeds and open-data files), and only while that
mark is set does :class:`ReplicaRouter` send ORM reads, and :func:`read_alias` raw SQL, to the replica.
Writes always go to the primary, and so does everything else — staff pages, tracking and confirmation
pages, anything right after a person changed something. Kept in ``core`` (no app imports) because the
settings name the router.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)
# Per process: (checked at, usable) — the lag query runs at most every few seconds, not per request.
_health: dict[str, tuple[float, bool]] = {}
HEALTH_TTL_SECONDS = 5.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float:
    """Seconds the replica's replayed data is behind (0 when it has replayed all it received)."""
    with connections[REPLICA].cursor() as cur:
        cur.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
            " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        return float(cur.fetchone()[0])


def replica_usable() -> bool:
    """True if the replica answers and lags at most ``REPLICA_MAX_LAG_SECONDS``; checked every 5 s.

    A replica that is down or far behind is skipped (reads go to the primary) instead of failing public
    pages or showing stale data for longer than the tiles' 60-second promise.
    """
    if not replica_configured():
        return False
    now = time.monotonic()
    checked = _health.get(REPLICA)
    if checked and now - checked[0] < HEALTH_TTL_SECONDS:
        return checked[1]
    try:
        lag = replica_lag_seconds()
        usable = lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not usable:
            logger.warning("replica lags %.1f s: reads go to the primary", lag)
    except DatabaseError as exc:
        logger.warning("replica unusable, reads go to the primary: %s", exc)
        connections[REPLICA].close()
        usable = False
    _health[REPLICA] = (now, usable)
    return usable


def forget_replica_health() -> None:
    """Re-check on the next request (tests; after a failover)."""
    _health.clear()


@contextlib.contextmanager
def replica_reads() -> Iterator[bool]:
    """Within this block reads go to the replica if one is configured and usable; yields whether they do."""
    usable = replica_usable()
    token = _on_replica.set(usable)
    try:
        yield usable
    finally:
        _on_replica.reset(token)


def read_alias() -> str:
    """The alias for a raw-SQL read (``connections[read_alias()].cursor()``), as the router would choose."""
    return REPLICA if _on_replica.get() else PRIMARY


class ReplicaRouter:
    """ORM reads inside :func:`replica_reads` go to the replica; all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data: a row read from the replica may be related to one from the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
