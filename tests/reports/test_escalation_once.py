"""Two task workers sweep at the same moment: the escalation digest still goes out once (advisory lock
and the ``DailyJobRun`` row, ``kernel.notifications.daily``), each worker with its own connection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.escalation import DIGEST_KIND
from domains.reports.models import Report
from kernel.notifications.daily import daily_job_run_once, daily_jobs
from kernel.notifications.models import OutgoingMail
from tests.privacy.test_daily_once import in_threads
from tests.staff_world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_at_once_send_one_digest():
    world = build_world()
    Report.objects.filter(pk=world.own.pk).update(due=timezone.now() - dt.timedelta(days=2))
    day = timezone.localdate()
    job = daily_jobs()["escalation_digest"]
    results = in_threads(2, lambda: daily_job_run_once(name="escalation_digest", job=job, day=day))
    assert sorted(results) in (["busy", "ran"], ["done", "ran"])
    assert OutgoingMail.objects.filter(kind=DIGEST_KIND, object_id=str(world.dresden.pk)).count() == 1
