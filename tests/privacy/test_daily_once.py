"""The task worker runs the retention once a day — exactly once even when several workers sweep at the
same moment (advisory lock + one ``DailyJobRun`` row per job and day, committed with the job's work)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from domains.reports.models import Report, StatusChange
from kernel.notifications.daily import daily_job_run_once, daily_jobs
from kernel.notifications.models import DailyJobRun
from kernel.notifications.worker import TaskWorkerLoop
from kernel.organisations.models import AuditEvent
from tests.factories import set_status
from tests.privacy.helpers import reported

pytestmark = pytest.mark.django_db(transaction=True)


class IdleWorker:
    """What TaskWorkerLoop.recover needs of django-tasks-db's Worker."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id


def in_threads(count: int, target) -> list:
    """Run ``target()`` in ``count`` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_retention_job_is_registered_for_the_worker():
    assert "apply_retention" in daily_jobs()


def test_a_second_worker_skips_while_the_first_runs_and_after_it_committed():
    day = timezone.localdate()
    calls: list[dt.date] = []
    inside, second_done = threading.Event(), threading.Event()

    def slow_job(run_day: dt.date) -> dict:
        calls.append(run_day)
        inside.set()
        assert second_done.wait(30)  # hold the lock until the other worker tried
        return {"ok": 1}

    outcome: dict[str, str] = {}

    def first() -> None:
        try:
            outcome["first"] = daily_job_run_once(name="probe", job=slow_job, day=day)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(30)
    outcome["second"] = daily_job_run_once(name="probe", job=slow_job, day=day)
    second_done.set()
    thread.join(30)
    outcome["third"] = daily_job_run_once(name="probe", job=slow_job, day=day)

    assert outcome == {"first": "ran", "second": "busy", "third": "done"}
    assert calls == [day]
    assert list(DailyJobRun.objects.values_list("job", "day", "result")) == [("probe", day, {"ok": 1})]


def test_a_failing_job_leaves_no_row_and_runs_again():
    day = timezone.localdate()

    def broken(run_day: dt.date) -> None:
        raise RuntimeError("kaputt")

    with pytest.raises(RuntimeError):
        daily_job_run_once(name="probe", job=broken, day=day)
    assert not DailyJobRun.objects.exists()
    assert daily_job_run_once(name="probe", job=lambda d: {}, day=day) == "ran"


def test_two_task_workers_sweeping_together_erase_once_and_audit_once():
    report = reported()
    set_status(report, "resolved")
    # Closed 100 days ago: due today under the default 90 days.
    StatusChange.objects.filter(report=report).update(created=timezone.now() - dt.timedelta(days=100))

    loops = [TaskWorkerLoop(worker=IdleWorker(f"w{i}"), sole=False) for i in range(4)]
    results = in_threads(4, lambda: loops.pop().recover())

    assert len(results) == 4
    assert Report.objects.get(pk=report.pk).reporter_email == ""
    assert DailyJobRun.objects.filter(job="apply_retention", day=timezone.localdate()).count() == 1
    assert AuditEvent.objects.filter(action="report.personal_erased", object_id=str(report.pk)).count() == 1


def test_task_worker_command_runs_the_daily_retention():
    report = reported()
    set_status(report, "resolved")
    StatusChange.objects.filter(report=report).update(created=timezone.now() - dt.timedelta(days=100))
    call_command("task_worker", "--until-empty", "--interval", "0", verbosity=0)
    call_command("task_worker", "--until-empty", "--interval", "0", verbosity=0)
    assert Report.objects.get(pk=report.pk).reporter_phone == ""
    runs = Counter(DailyJobRun.objects.values_list("job", flat=True))
    assert runs["apply_retention"] == 1
    assert set(runs) == set(daily_jobs()) and set(runs.values()) == {1}  # every daily job, once
