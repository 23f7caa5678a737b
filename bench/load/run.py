"""Load test (a benchmark, not a test): the app served as ``make run`` serves it, under a mixed load.

Run from the repository root against a ``*_bench`` database filled by ``bench/generate_reports.py``::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/mm_load_bench \\
        .venv/bin/python bench/load/run.py [--users 16] [--seconds 60] [--max-requests 20000] \\
        [--post-levels 1,2,4,8] [--post-seconds 20] [--post-rounds 2] [--no-write]

Steps:

1. prepare: a caseworker ``load`` of Dresden with an API token (``add_staff``, ``issue_token``), 2,000
   public report ids around Dresden and Leipzig to read and 2,000 of Dresden to PATCH, a 12 MP phone JPEG
   (``bench.photos.photo_jpeg``);
2. start ``scripts/serve.sh`` on a free loopback port — gunicorn with ``WEB_CONCURRENCY`` (2 × cores)
   workers × 4 threads, ``--max-requests 2000``, access log, plus ``manage.py task_worker`` — with the run's
   own ``MEDIA_ROOT`` and throttling key prefix and ``THROTTLE_REPORT_CREATE`` raised to 1,000,000/hour
   (all load comes from one address; the default 20/hour per IP would refuse almost every POST);
3. warm-up (not counted), then the mixed run: ``--users`` closed-loop virtual users (no think time) for
   ``--seconds`` or ``--max-requests``, endpoints drawn by the weights in ``bench/load/workload.py``;
4. report POSTs alone (one 12 MP photo each) at each concurrency of ``--post-levels``, all levels
   ``--post-rounds`` times in turn (so a burst of other load on the machine does not hit one level only);
5. stop the server, reconcile (``bench/load/reconcile.py``), time the photo step in-process against the
   full-decode baseline of ``bench/photos.py``, and replace the "Load test" section of
   ``docs/benchmarks.md``. Raw per-request results stay in ``.local/load/<run>/``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import statistics
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    free_port,
    load,
    machine,
    now_utc,
    server_versions,
    setup_django,
    unapplied_migrations,
    write_section,
)
from bench.load.reconcile import reconcile  # noqa: E402
from bench.load.server import App  # noqa: E402
from bench.load.workload import (  # noqa: E402
    CITIES,
    DRESDEN_AGS,
    MIX,
    Workload,
    run_load,
    save_results,
    summarise,
    table,
)

SECTION = "## Load test (bench/load/)"
STAFF_USER = "load"
STAFF_PASSWORD = "Last-Test-Passwort-2026"  # a throwaway user in a *_bench database only


def prepare(run_id: str, *, sample: int = 2000) -> Workload:
    from io import StringIO

    from django.contrib.gis.geos import Point
    from django.contrib.gis.measure import D
    from django.core.management import call_command
    from django.db.models import Q

    from bench.photos import photo_jpeg
    from domains.reports.models import Category, Report
    from domains.reports.selectors import reports_public

    call_command(
        "add_staff", ags=DRESDEN_AGS, role="caseworker", username=STAFF_USER, password=STAFF_PASSWORD
    )
    out = StringIO()
    call_command("issue_token", STAFF_USER, name="Lasttest", expires="1d", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    near = Q()
    for _, lon, lat in CITIES:
        near |= Q(location__dwithin=(Point(lon, lat, srid=4326).transform(25833, clone=True), D(km=5)))
    read_ids = list(reports_public().filter(near).order_by("?").values_list("public_id", flat=True)[:sample])
    patch_ids = list(
        Report.objects.filter(organisation__ags=DRESDEN_AGS, commune__ags=DRESDEN_AGS)
        .order_by("?")
        .values_list("public_id", flat=True)[:sample]
    )
    if len(read_ids) < 100 or len(patch_ids) < 100:
        sys.exit("too few reports around Dresden/Leipzig — fill the database with bench/generate_reports.py")
    categories = list(Category.objects.filter(active=True).values_list("slug", flat=True))
    return Workload(
        run_id=run_id,
        photo=photo_jpeg(1),
        categories=categories,
        read_ids=read_ids,
        patch_ids=patch_ids,
        staff_token=token,
    )


def ensure_static() -> None:
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def app_env(db: dict, run_dir: Path, run_id: str) -> dict[str, str]:
    return {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "MEDIA_ROOT": str(run_dir / "media"),
        "THROTTLE_REPORT_CREATE": "1000000/hour",
        "CACHE_KEY_PREFIX": f"mm-load-{run_id}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }


def photo_step(photo: bytes, runs: int = 10) -> tuple[float, float]:
    """Median ms of ``kernel.cases.images.process_photo`` and of the full-decode baseline, on the posted photo."""
    from bench.photos import baseline, measure, pipeline

    times = measure({"pipeline": pipeline, "baseline": baseline}, photo, runs)
    return statistics.median(times["pipeline"]) * 1000, statistics.median(times["baseline"]) * 1000


def posts_only(w: Workload) -> Workload:
    return Workload(
        run_id=w.run_id,
        photo=w.photo,
        categories=w.categories,
        read_ids=w.read_ids,
        patch_ids=w.patch_ids,
        staff_token=w.staff_token,
        mix={"report_post": 1},
        _seq=w._seq + 100_000,  # keep markers unique across phases
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--users", type=int, default=16, help="concurrent virtual users of the mixed run")
    parser.add_argument("--seconds", type=float, default=60, help="duration of the mixed run")
    parser.add_argument("--max-requests", type=int, default=20_000, help="request cap of the mixed run")
    parser.add_argument("--warmup", type=int, default=300, help="requests before measuring (not counted)")
    parser.add_argument("--post-levels", default="1,2,4,8", help="concurrencies of the POST-only runs")
    parser.add_argument("--post-seconds", type=float, default=20, help="duration of each POST-only run")
    parser.add_argument("--post-rounds", type=int, default=2, help="rounds over all POST levels")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {SECTION!r}")
    args = parser.parse_args()

    db = setup_django()
    if pending := unapplied_migrations():
        sys.exit(
            f"database {db['NAME']} lacks migrations {pending[:3]} … — recreate it (generate_reports.py)"
        )
    from domains.reports.models import Report

    total_reports = Report.objects.count()
    ensure_static()
    run_id = uuid.uuid4().hex[:8]
    run_dir = ROOT / ".local" / "load" / run_id
    w = prepare(run_id)
    port = free_port()
    app = App(port, app_env(db, run_dir, run_id), run_dir / "serve.log")
    levels = [int(x) for x in args.post_levels.split(",") if x]
    print(f"run {run_id}: {total_reports:,} reports, serve.sh on 127.0.0.1:{port}", flush=True)
    started, load_before = now_utc(), load()
    app.start()
    workers = len(app.web_workers())
    try:
        warm, _ = asyncio.run(run_load(port, w, users=4, seconds=60, max_requests=args.warmup, seed=99))
        mixed, mixed_wall = asyncio.run(
            run_load(port, w, users=args.users, seconds=args.seconds, max_requests=args.max_requests)
        )
        print(table(summarise(mixed, mixed_wall)), flush=True)
        post_runs = []
        pw = posts_only(w)
        for round_no in range(1, args.post_rounds + 1):
            for level in levels:
                results, wall = asyncio.run(
                    run_load(
                        port, pw, users=level, seconds=args.post_seconds, max_requests=100_000, seed=level
                    )
                )
                post_runs.append((round_no, level, results, wall, os.getloadavg()[0]))
                print(f"POST ×{level}: {table(summarise(results, wall)).splitlines()[-1]}", flush=True)
    finally:
        load_after = load()
        app.stop()
    everything = warm + mixed + [r for _, _, rs, _, _ in post_runs for r in rs]
    save_results(everything, run_dir / "results.jsonl")
    rec = reconcile(everything, run_id, run_dir / "media")
    print(rec.markdown(), flush=True)
    pipeline_ms, baseline_ms = photo_step(w.photo)
    body = markdown(
        args=args,
        db=db,
        total=total_reports,
        run_id=run_id,
        started=started,
        workers=workers,
        mixed=(mixed, mixed_wall),
        post_runs=post_runs,
        rec=rec,
        photo=(len(w.photo), pipeline_ms, baseline_ms),
        load_before=load_before,
        load_after=load_after,
    )
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
        print(f"\nwritten to docs/benchmarks.md ({SECTION})")
    if not rec.clean:
        sys.exit("reconciliation found problems (see above)")


def markdown(
    *, args, db, total, run_id, started, workers, mixed, post_runs, rec, photo, load_before, load_after
) -> str:
    from bench.load.workload import summarise

    results, wall = mixed
    command = (
        "DATABASE_URL=postgis://…/"
        + db["NAME"]
        + " .venv/bin/python bench/load/run.py "
        + shlex.join(sys.argv[1:])
    )
    post_lines = [
        "| round | concurrent POSTs | POSTs | POST/s | p50 ms | p95 ms | p99 ms | max ms | errors | load avg (1 min) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    best = None
    for round_no, level, rs, w, load_1 in post_runs:
        row = summarise(rs, w)[0]
        if row["errors"] == 0 and (best is None or row["rps"] > best[1]):
            best = (level, row["rps"])
        post_lines.append(
            f"| {round_no} | {level} | {row['requests']:,} | {row['rps']:.2f} | {row['p50']:.0f} "
            f"| {row['p95']:.0f} | {row['p99']:.0f} | {row['max']:.0f} | {row['errors']} | {load_1:.1f} |"
        )
    size, pipeline_ms, baseline_ms = photo
    mix = ", ".join(f"{k} {v}" for k, v in MIX.items())
    best_text = f"**{best[1]:.2f} POST/s** at {best[0]} concurrent" if best else "none without errors"
    # The run itself loads the machine (server and client share it); only a busy start means other jobs.
    busy_before = float(load_before.split(",")[0]) > (os.cpu_count() or 1) / 2
    others = (
        " (other jobs were running on the same machine before the run: absolute figures are noisy, compare ratios)"
        if busy_before
        else " (quiet before the run; the load after is the run's own)"
    )
    return f"""
Command: `{command}` — run `{run_id}`, {started}. Machine: {machine()}; load average before
the run {load_before}, after {load_after}{others}. Database: `{db["NAME"]}` ({total:,} reports before the run), {server_versions()}, on the
same machine; Redis for the throttling cache.

Server: `scripts/serve.sh` exactly as `make run` starts it — gunicorn, **{workers} workers** (2 × cores) ×
4 threads (gthread), `--timeout 60 --max-requests 2000`, access log to stdout — plus `manage.py task_worker`.
Overrides for the run only: `THROTTLE_REPORT_CREATE=1000000/hour` (all load comes from 127.0.0.1; the
default 20/hour per IP would answer 429), its own `MEDIA_ROOT` and cache key prefix. Client: the asyncio
client of `bench/load/client.py` on the same machine (it competes for the same {os.cpu_count()} cores),
keep-alive, no retries, 30 s deadline per request; closed loop without think time.

**Mixed run**: {args.users} virtual users for {wall:.0f} s after {args.warmup} warm-up requests; weights:
{mix}. Reads: bbox of 1–3 km around Dresden/Leipzig with `page_size=500`; tiles z10–z16 within 6 km;
`/meldungen/<id>/` and `/api/v1/reports/<id>/` of random reports there; Open311 `services.json`,
`requests.json?jurisdiction_id=…&status=open` (last 90 days), `requests/<id>.json`. Writes: `POST
/api/v1/reports/` multipart with one 12 MP JPEG ({size / 1e6:.1f} MB, `bench.photos.photo_jpeg`) and a
unique description marker; `PATCH /api/v1/staff/reports/<id>/` (token of a Dresden caseworker) to a random
status with a marker in `internal_note` — 409 (illegal move) is an expected answer, not an error.
"Errors" are any other answer, a timeout or a broken connection.

{table(summarise(results, wall))}

**Report POSTs alone** (one 12 MP photo each), closed loop, {args.post_seconds:.0f} s per level:

{chr(10).join(post_lines)}

Highest sustained rate without errors: {best_text}. The photo step on the same photo, in-process (median
of 10, while the server was stopped): `kernel.cases.images.process_photo` {pipeline_ms:.0f} ms against
{baseline_ms:.0f} ms for the full-decode baseline of `bench/photos.py` — **{pipeline_ms / baseline_ms:.2f}×**
(target ≤ 0.5×).

Found by the first full run and fixed: two report POSTs in Dresden were answered 503 after "deadlock
detected" at COMMIT. A staff status change locked the report with `select_for_update()` joined to its
organisation, category and commune, and PostgreSQL's `FOR UPDATE` locked those rows too — the rows every
new report's foreign-key checks need a key-share lock on. `domains/reports/services/triage.py` now locks only the report
(`of=("self",)`; test in `tests/reports/test_locking.py`).

**Reconciliation** (warm-up, mixed and POST-only runs together; `bench/load/reconcile.py`):

{rec.markdown()}
"""


if __name__ == "__main__":
    main()
