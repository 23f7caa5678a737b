"""The task worker loop ``manage.py task_worker`` runs: django-tasks-db's worker, kept alive through
database outages and cleaning up after workers that died.

Measured in the fault run (docs/benchmarks.md, "Fault injection"): a ``pg_ctl restart`` made
``manage.py db_worker`` exit with OperationalError (it re-raises every database error but SQLite's
"locked"), and ``scripts/serve.sh`` then stopped gunicorn with it; a worker killed mid-task left its task
RUNNING for ever, so that notification was never sent. This loop therefore:

* runs django-tasks-db's own :class:`Worker` in batch mode (claim, run, mark — unchanged), sleeping
  ``interval`` seconds whenever the queue is empty;
* on a lost connection waits (1, 2, 4 … 10 s), reconnects, and goes on;
* before the first batch, after every outage and every ``sweep_every`` seconds: puts orphaned tasks back
  (``tasks_requeue_orphaned``: its own claims after an outage; with ``sole`` — the only worker, as in
  ``make run`` — every RUNNING task at start; else tasks claimed longer than ``stale_after`` ago) and
  queues unsent mails that have no task (``mail_requeue_pending``);
* on the same sweeps runs the daily jobs that are due (``kernel.notifications.daily``: data retention), exactly
  once per day across all workers; a failing job is logged and tried again on the next sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone

from kernel.notifications.daily import daily_jobs_run_due
from kernel.notifications.services import mail_requeue_pending, tasks_requeue_orphaned

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
BACKOFF_MAX_S = 10.0


class QuietBatchEnd(logging.Filter):
    """Batch mode logs "Starting worker …" and "No more tasks to run … exiting gracefully" around every
    empty poll (once a second); in this loop neither is news after the first start, so they are dropped."""

    def __init__(self) -> None:
        super().__init__()
        self.started = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Starting worker"):
            first, self.started = not self.started, True
            return first
        return not message.startswith("No more tasks to run")


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            pass  # a broken connection may fail to close; it is dropped either way


@dataclass
class TaskWorkerLoop:
    worker: Any  # django_tasks_db's Worker, constructed with batch=True
    interval: float = 1.0
    sole: bool = False
    stale_after: dt.timedelta = dt.timedelta(minutes=10)
    sweep_every: float = 60.0
    until_empty: bool = False
    daily: bool = True  # run the daily jobs (retention) on each sweep
    daily_lane: str = "default"  # which lane of daily jobs (kernel.notifications.daily.register_daily_job)
    sleep: Callable[[float], None] = time.sleep
    outages: int = field(default=0, init=False)
    _started: bool = field(default=False, init=False)

    def recover(self) -> None:
        """Requeue what no worker will finish, then mails without a task. Never runs while a task of
        this worker is running (only between batches), so its own RUNNING claims are orphans."""
        if self.daily_lane != "default":  # a process for a slow lane only (the export): housekeeping is
            self.run_daily_jobs()  # the default workers' job, never done twice at the same time
            return
        claimed_before = timezone.now() - self.stale_after
        if self.sole and not self._started:
            claimed_before = timezone.now()
        tasks_requeue_orphaned(claimed_before=claimed_before, worker_ids=[self.worker.worker_id])
        queued = mail_requeue_pending()
        if queued:
            logger.warning("%s unsent mail(s) without a task queued again", queued)
        self._started = True
        if self.daily:
            self.run_daily_jobs()

    def run_daily_jobs(self) -> None:
        try:
            daily_jobs_run_due(lane=self.daily_lane)
        except DATABASE_DOWN:
            raise
        except Exception:  # noqa: BLE001 - a failing job must not stop the mail; it is retried next sweep
            logger.exception("daily job failed; the next sweep tries again")

    def run(self) -> None:
        next_sweep = 0.0
        delay = 1.0
        while self.worker.running:
            try:
                if time.monotonic() >= next_sweep:
                    self.recover()
                    next_sweep = time.monotonic() + self.sweep_every
                self.worker.run()  # batch mode: returns once the queue is empty
            except DATABASE_DOWN as exc:
                self.outages += 1
                logger.warning(
                    "database unavailable (%s); task worker retries in %.0f s", type(exc).__name__, delay
                )
                _close_connections()
                next_sweep = 0.0  # once it is back: requeue our own interrupted claim first
                self.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            delay = 1.0
            if self.until_empty:
                return
            if self.worker.running:
                self.sleep(self.interval)
