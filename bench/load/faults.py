"""Fault injection (a benchmark, not a test): outages under load, cut-off uploads, a killed task worker.

Everything runs against a throwaway PostgreSQL cluster of our own (``bench/load/cluster.py``,
``.local/fault-pg`` on port 55433, database ``mm_fault_bench``), never the shared server::

    .venv/bin/python bench/load/faults.py [--count 100000] [--users 8] [--seconds 60] \\
        [--restart-at 15] [--kill-at 35] [--only load,upload,mail] [--no-write]

1. **load**: ``scripts/serve.sh`` (as ``make run``) under the mixed load of ``bench/load/run.py``; at
   ``--restart-at`` s ``pg_ctl restart -m fast`` of the cluster, at ``--kill-at`` s ``kill -9`` of one
   gunicorn worker. Per second: answers by status; then the checks (no 500, every 503 German with
   Retry-After, nothing past the client deadline, recovery time, the server and task worker still up) and
   the reconciliation of every POST and PATCH (``bench/load/reconcile.py``).
2. **upload** (``bench/load/fault_upload.py``): multipart POSTs cut off mid-body leave no report, no file
   and no temporary file; slow (trickled) uploads do not stop other requests.
3. **mail** (``bench/load/fault_mail.py``): the task worker is killed while notifications are queued and
   started again; every mail must arrive exactly once.

The results replace the "Fault injection" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, load, machine, now_utc, write_section  # noqa: E402
from bench.load.cluster import DEFAULT_PORT, Cluster  # noqa: E402
from bench.load.smtp_sink import SmtpSink  # noqa: E402
from bench.load.workload import Result, run_load, save_results, summarise, table  # noqa: E402

SECTION = "## Fault injection (bench/load/faults.py)"
# What the first runs of this script showed and what was changed in the app because of it; the tables
# below the list are from the latest run, with all of these changes in place.
FINDINGS = """
What the first runs showed, and what was changed (all with tests):

1. **A PostgreSQL restart took the whole site down.** `manage.py db_worker` exits on any database
   error but SQLite's "locked"; `scripts/serve.sh` then stopped gunicorn too — 1.4 s of database restart
   became a permanent outage. Now `serve.sh` runs `manage.py task_worker --sole-worker`
   (`kernel/notifications/worker.py`): django-tasks-db's worker in a loop that waits out lost connections.
2. **A task worker killed mid-task dropped that notification.** django-tasks-db leaves a claimed task
   RUNNING for ever. `task_worker` puts orphaned RUNNING tasks back (with `--sole-worker` all of them at
   start, else those older than `--stale-after`) and queues unsent mails that have no task
   (`mail_requeue_pending`); part 3 shows both commands.
3. **Stored, but answered 503.** During the restart one report POST and one staff PATCH were committed
   and then their answer could not be read back, so the client got 503 (and would send the report
   again). The answer is now read inside the writing transaction (`report_create(present=…)`, the staff
   PATCH in one `transaction.atomic()`); the mail and media-fetch enqueues after the commit are
   `robust=True` (a failure there used to escape `report_create` after the commit and delete the stored
   report's photo files). Only the COMMIT itself can still end ambiguously.
4. **Cut-off uploads were stored as half reports.** gunicorn passes a body cut short by a client that
   hung up as a shorter stream, and Django's multipart parser silently drops the unfinished file: all
   five cut-off POSTs were stored, four without their photo. `RequestGuardMiddleware` now refuses a body
   that ends before its Content-Length (400, nothing reaches a view) and deletes the half-written
   temporary upload.
5. Open311 answered the outage 503 in the REST API's JSON shape, also for `.xml`; it now uses the
   GeoReport error format of the path.
6. **One notification was delivered twice** when PostgreSQL restarted while the worker was sending it:
   the SMTP server had accepted the message, the commit of `sent` failed, and the mail went out again.
   Sending is at-least-once (no commit can span the database and a mail server); each outbox row now
   carries the same Message-ID on every attempt, so receivers can recognise the copy.
"""
DB_NAME = "mm_fault_bench"
CLIENT_TIMEOUT_S = 30.0


@dataclass
class Timeline:
    events: list[tuple[float, str]] = field(default_factory=list)

    def add(self, t0: float, text: str) -> float:
        t = time.monotonic() - t0
        self.events.append((t, text))
        print(f"  t={t:5.1f} s  {text}", flush=True)
        return t


def prepare_database(cluster: Cluster, count: int) -> dict:
    cluster.ensure()
    os.environ["DATABASE_URL"] = cluster.url(DB_NAME)
    subprocess.run(
        [sys.executable, "bench/generate_reports.py", "--count", str(count), "--no-write"],
        cwd=ROOT,
        check=True,
        env={**os.environ},
    )
    from bench.common import setup_django

    return setup_django()


def app_env(run_dir: Path, run_id: str) -> dict[str, str]:
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "MEDIA_ROOT": str(run_dir / "media"),
        "TMPDIR": str(run_dir / "tmp"),  # Django's temporary upload files: checked for leftovers
        "THROTTLE_REPORT_CREATE": "1000000/hour",
        "CACHE_KEY_PREFIX": f"mm-fault-{run_id}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }


# --- 1. outages under load --------------------------------------------------------------------------------


async def _chaos(app, cluster: Cluster, t0: float, tl: Timeline, restart_at: float, kill_at: float) -> dict:
    info: dict = {"workers_before": app.web_workers(), "task_worker_before": app.task_worker}
    await asyncio.sleep(max(0.0, restart_at - (time.monotonic() - t0)))
    info["restart_issued"] = tl.add(t0, "pg_ctl restart -m fast issued")
    took = await asyncio.to_thread(cluster.restart)
    info["restart_done"] = tl.add(t0, f"PostgreSQL accepts connections again (pg_ctl took {took:.1f} s)")
    await asyncio.sleep(max(0.0, kill_at - (time.monotonic() - t0)))
    workers = app.web_workers()
    if not workers:
        tl.add(t0, "no gunicorn workers left to kill: serve.sh has exited")
        return info
    victim = workers[0]
    os.kill(victim, signal.SIGKILL)
    info["killed"] = tl.add(t0, f"kill -9 gunicorn worker {victim} (of {len(workers)})")
    while time.monotonic() - t0 < kill_at + 30:
        now = app.web_workers()
        if victim not in now and len(now) == len(workers):
            info["respawned"] = tl.add(t0, f"gunicorn master has {len(now)} workers again")
            break
        await asyncio.sleep(0.1)
    return info


async def _load_with_faults(app, cluster, w, args, tl: Timeline) -> tuple[list[Result], float, dict]:
    t0 = time.monotonic()
    chaos = asyncio.create_task(_chaos(app, cluster, t0, tl, args.restart_at, args.kill_at))
    results, wall = await run_load(
        app.port, w, users=args.users, seconds=args.seconds, max_requests=1_000_000, seed=7
    )
    return results, wall, await chaos


def per_second(results: list[Result]) -> dict[int, dict[str, int]]:
    buckets: dict[int, dict[str, int]] = {}
    for r in results:
        end = int(r.start + r.seconds)
        key = r.error or ("ok" if r.ok else str(r.status))
        b = buckets.setdefault(end, {})
        b[key] = b.get(key, 0) + 1
    return buckets


def timeline_table(results: list[Result], info: dict, seconds: float) -> str:
    """Answers per second (by the second they arrived), full rows around the faults, summaries elsewhere."""
    buckets = per_second(results)
    focus = set()
    for key, before, after in (("restart_issued", 2, 12), ("killed", 2, 5)):
        if key in info:
            focus |= set(range(int(info[key]) - before, int(info[key]) + after))
    lines = ["| second | expected answers | other answers |", "|---:|---:|---|"]
    quiet: list[int] = []

    def flush() -> None:
        if quiet:
            total = sum(buckets.get(s, {}).get("ok", 0) for s in quiet)
            other = {k: v for s in quiet for k, v in buckets.get(s, {}).items() if k != "ok"}
            lines.append(f"| {quiet[0]}–{quiet[-1]} | {total:,} | {_fmt(other) or '—'} |")
            quiet.clear()

    for s in range(0, int(seconds) + 1):
        if s in focus:
            flush()
            b = buckets.get(s, {})
            lines.append(
                f"| {s} | {b.get('ok', 0)} | {_fmt({k: v for k, v in b.items() if k != 'ok'}) or '—'} |"
            )
        else:
            quiet.append(s)
    flush()
    return "\n".join(lines)


def _fmt(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}×{v}" for k, v in sorted(counts.items()))


def checks(results: list[Result], info: dict, app_alive: bool, task_worker: int | None) -> list[str]:
    """The fault run's findings; times are when answers *arrived* (request start + duration)."""
    bad_5xx = [r for r in results if r.status >= 500 and r.status != 503]
    s503 = [r for r in results if r.status == 503]
    s503_bad = [r for r in s503 if not (r.german and r.retry_after)]
    timeouts = [r for r in results if r.error == "timeout"]
    broken = [r for r in results if r.error == "broken"]
    killed = info.get("killed", -1.0)
    at_kill = [r for r in broken if killed <= r.start + r.seconds <= killed + 1.0]
    arrivals = sorted(r.start + r.seconds for r in s503)
    back = info["restart_done"]
    first_ok = min(
        (r.start + r.seconds for r in results if r.ok and r.start + r.seconds > back), default=None
    )
    lines = [
        f"- 5xx other than 503 (e.g. a 500 page): **{len(bad_5xx)}**"
        + (
            f" — {', '.join(f'{r.endpoint} {r.status}: {r.detail[:80]}' for r in bad_5xx[:3])}"
            if bad_5xx
            else ""
        ),
        f"- 503 answers: {len(s503)}; without the German message or without `Retry-After`: **{len(s503_bad)}**"
        f"; content types: {_fmt(_count(r.content_type.split(';')[0] for r in s503)) or '—'}; `Retry-After`: "
        f"{_fmt(_count(r.retry_after for r in s503)) or '—'} s.",
        f"- Requests past the client deadline ({CLIENT_TIMEOUT_S:.0f} s): **{len(timeouts)}**; slowest answer "
        f"{max(r.seconds for r in results):.2f} s.",
        f"- Connections broken without an answer: {len(broken)}, of these {len(at_kill)} within 1 s of the "
        f"kill ({_fmt(_count(r.endpoint for r in at_kill)) or '—'}) — requests the killed worker held.",
    ]
    if arrivals:
        lines.append(
            f"- Outage as clients saw it: 503s arrived from t={arrivals[0]:.1f} s to t={arrivals[-1]:.1f} s "
            f"(restart issued at t={info['restart_issued']:.1f} s, PostgreSQL back at t={back:.1f} s); "
            f"first expected answer {first_ok - back:.2f} s after PostgreSQL was back."
            if first_ok is not None
            else "- Outage: no expected answer after PostgreSQL was back."
        )
    else:
        lines.append("- No 503 during the restart.")
    lines.append(
        f"- After the run: serve.sh {'still running' if app_alive else '**exited**'}; task worker "
        f"{'still running (pid ' + str(task_worker) + ')' if task_worker else '**gone**'} "
        f"(before: pid {info.get('task_worker_before')})."
    )
    return lines


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[str(item)] = out.get(str(item), 0) + 1
    return out


def _dresden_mails_on() -> None:
    """New reports in Dresden notify its organisation (one outbox row each), so the run checks mail too."""
    from kernel.organisations.models import Organisation, OrganisationKind

    Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags="14612000", email="").update(
        email="maengel@dresden.example"
    )


def _run_mails(results: list[Result]):
    from kernel.notifications.models import OutgoingMail

    ids = [r.public_id for r in results if r.endpoint == "report_post" and r.status == 201]
    return OutgoingMail.objects.filter(kind="report.new", object_id__in=ids)


def _wait_for_mails(results: list[Result], timeout: float = 60.0) -> float | None:
    """Seconds until every acknowledged report's notification is marked sent (None: not within timeout)."""
    from django.db import connections

    connections.close_all()  # ours was cut by the restart too
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if not _run_mails(results).filter(sent__isnull=True).exists():
            return time.monotonic() - start
        time.sleep(0.5)
    return None


def _mail_line(results: list[Result], sink: SmtpSink, done: float | None) -> str:
    rows = list(_run_mails(results).values_list("object_id", "sent"))
    with sink.lock:
        messages = list(sink.messages)
    delivered: Counter = Counter()
    ids: dict[str, set[str]] = {}
    for pid, _ in rows:
        for subject, message_id in messages:
            if pid in subject:
                delivered[pid] += 1
                ids.setdefault(pid, set()).add(message_id)
    twice = [pid for pid, n in delivered.items() if n > 1]
    same_id = sum(1 for pid in twice if len(ids[pid]) == 1)
    missing = sum(1 for pid, _ in rows if not delivered[pid])
    waited = (
        f"all sent {done:.1f} s after the load ended" if done is not None else "**not all sent within 60 s**"
    )
    return (
        f"- Notifications of the acknowledged reports in Dresden (SMTP sink): {len(rows)} outbox rows, "
        f"{sum(1 for _, sent in rows if sent)} marked sent, {len(delivered)} delivered, missing **{missing}**, "
        f"delivered twice **{len(twice)}** (of these with the same Message-ID both times: {same_id}) — "
        f"{waited}."
    )


def fault_under_load(args, cluster: Cluster, db: dict) -> str:
    from bench.load.reconcile import reconcile
    from bench.load.run import prepare
    from bench.load.server import App

    run_id = uuid.uuid4().hex[:8]
    run_dir = ROOT / ".local" / "load" / f"fault-{run_id}"
    w = prepare(run_id, sample=1000)
    w.timeout = CLIENT_TIMEOUT_S
    _dresden_mails_on()
    sink = SmtpSink().__enter__()
    env = {**app_env(run_dir, run_id), "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)}
    app = App(free_port(), {**env, "EMAIL_USE_TLS": "false"}, run_dir / "serve.log")
    print(f"fault run {run_id} on 127.0.0.1:{app.port}", flush=True)
    app.start()
    tl = Timeline()
    try:
        results, wall, info = asyncio.run(_load_with_faults(app, cluster, w, args, tl))
        mails_done = _wait_for_mails(results)
        alive, task_worker = app.alive(), app.task_worker
    finally:
        app.stop()
        sink.__exit__()
    save_results(results, run_dir / "results.jsonl")
    rec = reconcile(results, run_id, run_dir / "media")
    check_lines = checks(results, info, alive, task_worker)
    check_lines.append(_mail_line(results, sink, mails_done))
    print("\n".join(check_lines), flush=True)
    print(rec.markdown(), flush=True)
    events = "\n".join(f"- t = {t:.1f} s: {text}" for t, text in tl.events)
    return f"""
### 1. PostgreSQL restart and a killed gunicorn worker under load (run `{run_id}`)

`scripts/serve.sh` ({len(info["workers_before"])} gunicorn workers × 4 threads, as `make run`) against
`{DB_NAME}` on the throwaway cluster; {args.users} virtual users of the mixed load of `bench/load/run.py`
for {wall:.0f} s, client deadline {CLIENT_TIMEOUT_S:.0f} s, no retries.

{events}

Answers per second (expected = 2xx, 409 of staff PATCHes, 204 of tiles):

{timeline_table(results, info, wall)}

{chr(10).join(check_lines)}

{table(summarise(results, wall))}

Reconciliation:

{rec.markdown()}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port of the throwaway cluster")
    parser.add_argument("--count", type=int, default=100_000, help="synthetic reports in mm_fault_bench")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=15)
    parser.add_argument("--kill-at", type=float, default=35)
    parser.add_argument("--only", default="load,upload,mail", help="which parts, comma-separated")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {SECTION!r}")
    args = parser.parse_args()
    parts = set(args.only.split(","))

    cluster = Cluster(args.port)
    db = prepare_database(cluster, args.count)
    from bench.common import server_versions
    from bench.load.run import ensure_static

    ensure_static()
    started, load_before = now_utc(), load()
    sections = []
    if "load" in parts:
        sections.append(fault_under_load(args, cluster, db))
    if "upload" in parts:
        from bench.load.fault_upload import upload_faults

        sections.append(upload_faults(app_env))
    if "mail" in parts:
        from bench.load.fault_mail import mail_worker_restart

        sections.append(mail_worker_restart())
    command = ".venv/bin/python bench/load/faults.py " + shlex.join(sys.argv[1:])
    body = f"""
Command: `{command}` — {started}. Machine: {machine()}; load average before {load_before}, after {load()}.
Database: `{DB_NAME}` ({args.count:,} synthetic reports) on a throwaway cluster of our own
(`.local/fault-pg`, 127.0.0.1:{args.port}, trust auth), {server_versions()}.
{FINDINGS}
{"".join(sections)}
"""
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
        print(f"\nwritten to docs/benchmarks.md ({SECTION})")


if __name__ == "__main__":
    main()
