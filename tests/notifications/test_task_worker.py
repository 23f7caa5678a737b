"""``manage.py task_worker``: tasks a dead worker left RUNNING are run again, mails whose task never got
queued are queued, and a lost database connection does not end the worker. Each mail goes out once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_requeue_pending, tasks_requeue_orphaned
from kernel.notifications.worker import TaskWorkerLoop
from tests.factories import DRESDEN, jpeg_bytes, make_report
from tests.staff_world import World

pytestmark = pytest.mark.django_db(transaction=True)

TASK_PATH = "kernel.notifications.tasks.send_mail_task"


def task_worker(*args: str) -> None:
    call_command("task_worker", "--until-empty", "--interval", "0", *args, verbosity=0)


def sent_for(public_id: str) -> list:
    return [m for m in mail.outbox if public_id in m.subject]


def mail_tasks(mail_id: int):
    return DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args=[mail_id])


def claim_as_dead_worker(mail_id: int, *, minutes_ago: float = 0) -> None:
    """What a worker killed with SIGKILL right after claiming leaves behind."""
    mail_tasks(mail_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        worker_ids=["killed-worker"],
    )


def test_task_left_running_by_a_killed_worker_is_sent_exactly_once_after_restart(world: World):
    created = make_report(lonlat=DRESDEN)
    row = OutgoingMail.objects.get(object_id=created.report.public_id, kind="report.new")
    claim_as_dead_worker(row.pk)

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    assert sent_for(created.report.public_id) == []  # plain db_worker never looks at it again

    task_worker("--sole-worker")
    row.refresh_from_db()
    assert row.sent is not None and row.attempts == 1
    assert len(sent_for(created.report.public_id)) == 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()

    task_worker("--sole-worker")  # a second restart sends nothing again
    assert len(sent_for(created.report.public_id)) == 1


def test_with_several_workers_only_claims_older_than_any_task_are_taken_back(world: World):
    recent = make_report(lonlat=DRESDEN).report
    old = make_report(lonlat=DRESDEN).report
    recent_mail = OutgoingMail.objects.get(object_id=recent.public_id, kind="report.new")
    old_mail = OutgoingMail.objects.get(object_id=old.public_id, kind="report.new")
    claim_as_dead_worker(recent_mail.pk, minutes_ago=1)  # may still be running in another worker
    claim_as_dead_worker(old_mail.pk, minutes_ago=30)

    assert tasks_requeue_orphaned(claimed_before=timezone.now() - dt.timedelta(minutes=10)) == 1
    assert mail_tasks(old_mail.pk).get().status == TaskResultStatus.READY
    assert mail_tasks(recent_mail.pk).get().status == TaskResultStatus.RUNNING


def test_requeue_pending_only_queues_mails_without_a_waiting_task(world: World):
    created = make_report(lonlat=DRESDEN)
    row = OutgoingMail.objects.get(object_id=created.report.public_id, kind="report.new")
    assert mail_requeue_pending() == 0  # its task is queued already
    mail_tasks(row.pk).delete()  # as if the enqueue after commit had failed
    assert mail_requeue_pending() == 1
    assert mail_requeue_pending() == 0
    task_worker()
    assert len(sent_for(created.report.public_id)) == 1


def test_report_with_photo_stays_created_when_queueing_its_mail_fails_after_commit(
    world: World, client, monkeypatch
):
    """The database can go away between the commit and the task insert that follows it: the stored
    report (with its photo files) must still be answered 201, and its mail is sent later by the sweep."""

    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("kernel.notifications.tasks.send_mail_task", Unreachable())
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes((1200, 900)), content_type="image/jpeg")
    data = {
        "category": "schlagloch",
        "description": "Loch",
        "lat": DRESDEN[1],
        "lon": DRESDEN[0],
        "photos": [photo],
    }
    response = client.post("/api/v1/reports/", data)
    assert response.status_code == 201
    report = Report.objects.get(public_id=response.json()["id"])
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == 2 and {p.image.name for p in report.photos.all()} <= {
        str(p.relative_to(settings.MEDIA_ROOT)) for p in stored
    }
    row = OutgoingMail.objects.get(object_id=report.public_id, kind="report.new")
    assert row.sent is None and not mail_tasks(row.pk).exists()

    monkeypatch.undo()
    task_worker()  # its start-up sweep queues the mail
    row.refresh_from_db()
    assert row.sent is not None
    assert len(sent_for(report.public_id)) == 1


def test_lost_database_connection_does_not_end_the_worker(world: World):
    created = make_report(lonlat=DRESDEN)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="resilient",
        excluded_queue_names=[],
    )
    real_run = worker.run
    calls = []

    def flaky_run() -> None:
        calls.append(1)
        if len(calls) == 1:  # PostgreSQL restarting: the first batch fails
            raise OperationalError("the database system is shutting down")
        real_run()

    worker.run = flaky_run
    naps: list[float] = []
    loop = TaskWorkerLoop(worker=worker, interval=0, until_empty=True, sleep=naps.append)
    loop.run()
    assert loop.outages == 1 and naps == [1.0]
    assert len(sent_for(created.report.public_id)) == 1


def test_a_mail_sent_again_after_a_lost_commit_keeps_its_message_id(world: World):
    """At-least-once: when ``sent`` could not be committed the row goes out again — as the same message."""
    from kernel.notifications.services import mail_send

    created = make_report(lonlat=DRESDEN)
    row = OutgoingMail.objects.get(object_id=created.report.public_id, kind="report.new")
    assert mail_send(row.pk) == "sent"
    OutgoingMail.objects.filter(pk=row.pk).update(sent=None)  # the commit that never happened
    assert mail_send(row.pk) == "sent"
    first, second = sent_for(created.report.public_id)
    assert first.message()["Message-ID"] == second.message()["Message-ID"]
    assert first.message()["Message-ID"].startswith(f"<outbox.{row.pk}.")
