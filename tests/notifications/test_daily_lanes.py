"""Daily jobs in lanes: the nightly open-data export (minutes with a million reports) runs in its own task
worker process (``--daily-lane opendata``), so the mail worker's sweeps never wait for it."""

from __future__ import annotations

import pytest

from kernel.notifications.daily import daily_jobs
from kernel.notifications.models import DailyJobRun
from kernel.notifications.worker import TaskWorkerLoop

pytestmark = pytest.mark.django_db


def test_the_export_is_in_its_own_lane():
    assert "export_opendata" not in daily_jobs()
    assert "export_opendata" in daily_jobs("opendata")
    assert {"statistics_rollup", "apply_retention"} <= set(daily_jobs())
    assert set(daily_jobs(None)) == set(daily_jobs()) | set(daily_jobs("opendata"))


class IdleWorker:
    """What TaskWorkerLoop.recover needs of django-tasks-db's Worker."""

    worker_id = "lane-test"


def test_each_worker_runs_only_its_lane(tmp_path, settings):
    settings.OPENDATA_ROOT = str(tmp_path)
    TaskWorkerLoop(worker=IdleWorker(), daily_lane="opendata").recover()
    assert set(DailyJobRun.objects.values_list("job", flat=True)) == {"export_opendata"}
    assert any(tmp_path.iterdir())  # the export's dated folder
    TaskWorkerLoop(worker=IdleWorker()).recover()
    runs = set(DailyJobRun.objects.values_list("job", flat=True))
    assert runs == {"export_opendata", *daily_jobs()}
