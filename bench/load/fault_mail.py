"""The task worker killed (SIGKILL) while notifications are queued, then started again.

``N`` reports in Dresden (organisation e-mail set) queue ``N`` outbox rows and ``N`` send tasks. A worker
started exactly as ``scripts/serve.sh`` starts it delivers them to a slow SMTP sink (``smtp_sink.py``,
0.25 s before it accepts each message); after a third of them it is killed with SIGKILL and started
again. Every mail must then be sent exactly once: ``sent`` set on every outbox row, each report's subject
exactly once at the sink, no task left RUNNING.

For comparison the same is done first with the command serve.sh used before (``manage.py db_worker``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from bench.common import ROOT
from bench.load.smtp_sink import SmtpSink

TASK_WORKER = ["manage.py", "task_worker", "--sole-worker", "--queue-name", "default"]  # as scripts/serve.sh
DB_WORKER = ["manage.py", "db_worker", "--queue-name", "default"]  # serve.sh before this change
MAILS = 30
SMTP_DELAY_S = 0.25
DRESDEN_LONLAT = (13.7373, 51.0504)


@dataclass
class MailRun:
    command: str
    mails: int
    sent_before_kill: int
    killed_after_s: float
    running_after_kill: int
    sent_rows: int
    delivered: int  # distinct reports at the sink
    duplicates: int  # extra deliveries of a report already delivered
    running_left: int
    finished_after_s: float | None


def _queue_reports(marker: str, count: int) -> list[str]:
    from domains.reports.services import ReportDraft, report_create
    from kernel.organisations.models import Organisation, OrganisationKind

    org = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags="14612000")
    if not org.email:
        org.email = "maengel@dresden.example"
        org.save(update_fields=["email"])
    ids = []
    for i in range(count):
        draft = ReportDraft(
            category="graffiti",
            description=f"{marker}-{i:03d}",
            lon=DRESDEN_LONLAT[0] + i * 1e-4,
            lat=DRESDEN_LONLAT[1],
        )
        ids.append(report_create(draft=draft).report.public_id)
    return ids


def _state(ids: list[str]) -> tuple[int, int]:
    """(outbox rows sent, send tasks RUNNING) for these reports."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from kernel.notifications.models import OutgoingMail

    rows = OutgoingMail.objects.filter(kind="report.new", object_id__in=ids)
    pks = set(rows.values_list("pk", flat=True))
    running = sum(
        1
        for args in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "args_kwargs", flat=True
        )
        if args.get("args", [None])[0] in pks
    )
    return rows.filter(sent__isnull=False).count(), running


def _start(command: list[str], sink: SmtpSink, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "false",
    }
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _ours(sink: SmtpSink, ids: list[str]) -> Counter:
    wanted = set(ids)
    with sink.lock:
        subjects = [subject for subject, _ in sink.messages]
    return Counter(pid for subject in subjects for pid in wanted if pid in subject)


def one_run(command: list[str], label: str, log_path) -> MailRun:
    from django.db import connections

    ids = _queue_reports(f"mail-{uuid.uuid4().hex[:8]}", MAILS)
    with SmtpSink(delay=SMTP_DELAY_S) as sink, log_path.open("ab") as log:
        start = time.monotonic()
        worker = _start(command, sink, log)
        # Kill once a third has arrived and the next one is in the sink's pause (not yet accepted).
        while time.monotonic() - start < 60:
            if sum(_ours(sink, ids).values()) >= MAILS // 3 and sink.pending:
                break
            time.sleep(0.01)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed_after = time.monotonic() - start
        sent_before = sum(_ours(sink, ids).values())
        time.sleep(0.5)
        connections.close_all()
        _, running_after_kill = _state(ids)
        restart = time.monotonic()
        worker = _start(command, sink, log)
        finished = None
        while time.monotonic() - restart < 30:
            if _state(ids)[0] == MAILS:
                finished = time.monotonic() - restart
                break
            time.sleep(0.2)
        time.sleep(1.0)  # anything sent twice would arrive now
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(15)
        delivered = _ours(sink, ids)
    sent_rows, running_left = _state(ids)
    return MailRun(
        command=label,
        mails=MAILS,
        sent_before_kill=sent_before,
        killed_after_s=killed_after,
        running_after_kill=running_after_kill,
        sent_rows=sent_rows,
        delivered=len(delivered),
        duplicates=sum(n - 1 for n in delivered.values()),
        running_left=running_left,
        finished_after_s=finished,
    )


def mail_worker_restart() -> str:
    log_path = ROOT / ".local" / "load" / f"mail-{uuid.uuid4().hex[:8]}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    runs = [
        one_run(DB_WORKER, "`manage.py db_worker` (before)", log_path),
        one_run(TASK_WORKER, "`manage.py task_worker --sole-worker` (serve.sh now)", log_path),
    ]
    for run in runs:
        print(run, flush=True)
    lines = [
        "| worker command | mails | delivered before SIGKILL | tasks left RUNNING by the kill | outbox rows sent "
        "after restart | reports delivered | delivered twice | RUNNING left | all sent after restart |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        finished = f"{r.finished_after_s:.1f} s" if r.finished_after_s is not None else "**no** (waited 30 s)"
        lines.append(
            f"| {r.command} | {r.mails} | {r.sent_before_kill} | {r.running_after_kill} | {r.sent_rows} "
            f"| {r.delivered} | {r.duplicates} | {r.running_left} | {finished} |"
        )
    return f"""
### 3. Task worker killed with notifications queued (`bench/load/fault_mail.py`)

{MAILS} new reports in Dresden (organisation e-mail set) queue {MAILS} outbox rows and send tasks. The
worker delivers to a slow SMTP sink ({SMTP_DELAY_S} s before it accepts each message); once a third have
arrived it is killed with SIGKILL (the whole process group) and the same command is started again.

{chr(10).join(lines)}

The kill lands while the sink pauses before accepting the next message: that mail's row is rolled back
(not sent) and its task stays RUNNING. `db_worker` never looks at a RUNNING task again, so
that mail is dropped; `task_worker --sole-worker` puts it back at start and sends it once. Not widened
here, and not closable with SMTP: a kill after the server accepted a message but before the worker
recorded `sent` delivers that one message twice after the restart (at-least-once).
"""
