"""Jobs the task worker runs once a day, exactly once even when several workers run.

Apps above this layer register a job (``register_daily_job`` in their ``AppConfig.ready``); every task
worker calls :func:`daily_jobs_run_due` on each sweep (``kernel.notifications.worker``). For each job and day:

1. a transaction takes ``pg_try_advisory_xact_lock`` on the job's key — a second worker that comes at the
   same moment does not wait but skips (it will look again on its next sweep);
2. inside it, a ``DailyJobRun`` row for (job, day) means "already done today": skip;
3. else the job runs *in that transaction* and the row is inserted; both commit together.

A job that fails rolls back with its row, so the next sweep (of any worker) tries again; a job that
committed is never repeated that day (the row, and its unique constraint as a last guard). Files a job
deletes go with ``transaction.on_commit``, so a rolled-back run deletes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kernel.notifications.models import DailyJobRun

logger = logging.getLogger(__name__)

DailyJob = Callable[[dt.date], Any]
# First key of the two-int advisory lock: "MM" (Mängelmelder), so other users of advisory locks on the
# same database cannot collide with ours.
LOCK_CLASS = 0x4D4D
DEFAULT_LANE = "default"
_JOBS: dict[str, tuple[DailyJob, str]] = {}


def register_daily_job(name: str, job: DailyJob, *, lane: str = DEFAULT_LANE) -> None:
    """``job(day)`` runs once per local day; its return value (JSON-serialisable) is kept on the row.

    ``lane``: which worker process runs it. A job that takes minutes (the open-data export) gets its own
    lane and process (``task_worker --daily-lane opendata``), so mails and the other jobs never wait for it."""
    _JOBS[name] = (job, lane)


def daily_jobs(lane: str | None = DEFAULT_LANE) -> dict[str, DailyJob]:
    """The jobs of ``lane`` (None: of every lane)."""
    return {name: job for name, (job, job_lane) in _JOBS.items() if lane is None or job_lane == lane}


def _lock_key(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def daily_job_run_once(*, name: str, job: DailyJob, day: dt.date) -> str:
    """Run ``job`` for ``day`` unless it ran already: returns "ran", "done" (ran before) or "busy"
    (another worker holds the lock right now)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, _lock_key(name)])
            if not cursor.fetchone()[0]:
                return "busy"
        if DailyJobRun.objects.filter(job=name, day=day).exists():
            return "done"
        result = job(day)
        DailyJobRun.objects.create(job=name, day=day, result=result if isinstance(result, dict) else {})
    logger.info("daily job %s ran for %s", name, day)
    return "ran"


def daily_jobs_run_due(day: dt.date | None = None, *, lane: str = DEFAULT_LANE) -> dict[str, str]:
    """Run every job of ``lane`` that has not run for ``day`` (default: today, local time)."""
    day = day or timezone.localdate()
    return {name: daily_job_run_once(name=name, job=job, day=day) for name, job in daily_jobs(lane).items()}
