"""Uploads that go wrong on the client's side, against ``scripts/serve.sh`` on the fault cluster.

* **Cut off**: a multipart report POST declares its full Content-Length (one 12 MP photo) but the client
  hangs up after 1 %, 50 %, 99 % of the body, just before the closing boundary, or after the whole body
  with a Content-Length 1,000 bytes too large. Afterwards: no report with the marker, no file under the
  run's MEDIA_ROOT, no temporary upload file under its TMPDIR, and the server still answers.
* **Slow**: photo uploads trickled over ``TRICKLE_S`` seconds (≈ 200 kB/s, a weak mobile uplink) while
  four virtual users read (map bbox, report, tile); the reads are compared with the same reads alone.
  Done with a few slow uploads and with more slow uploads than the server has threads.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.common import ROOT, free_port, percentile
from bench.load.client import multipart, send_partial, trickle
from bench.load.workload import Result, Workload, run_load

TRICKLE_S = 15.0
READ_MIX = {"map_bbox": 1, "report_api": 1, "tile": 2}


def _post_body(marker: str, photo: bytes) -> tuple[str, bytes]:
    fields = {"category": "schlagloch", "description": marker, "lon": "13.7373", "lat": "51.0504"}
    return multipart(fields, [("photos", "PXL_cut.jpg", "image/jpeg", photo)])


def _files(folder: Path) -> list[str]:
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


async def _cut_uploads(port: int, run_id: str, photo: bytes) -> list[tuple[str, str, int, int]]:
    """(marker, where, bytes sent, declared) for each cut-off upload."""
    done = []
    for i, (where, fraction) in enumerate(
        [("1 % of the body", 0.01), ("50 %", 0.5), ("99 %", 0.99), ("all but the closing boundary", None)]
    ):
        marker = f"load-{run_id}-cut{i}"
        content_type, body = _post_body(marker, photo)
        if fraction is None:
            sent = body.rindex(b"\r\n--")
        else:
            sent = int(len(body) * fraction)
        await send_partial("127.0.0.1", port, "/api/v1/reports/", content_type, body, send_bytes=sent)
        done.append((marker, where, sent, len(body)))
    marker = f"load-{run_id}-cut9"
    content_type, body = _post_body(marker, photo)
    padded = body + b"\0" * 1000  # declared length 1,000 bytes more than what will ever arrive
    await send_partial("127.0.0.1", port, "/api/v1/reports/", content_type, padded, send_bytes=len(body))
    done.append((marker, "whole body, Content-Length 1,000 bytes too large", len(body), len(padded)))
    return done


async def _reads_during(port: int, w: Workload, trickles: int, run_id: str, photo: bytes) -> dict:
    """Reads for TRICKLE_S seconds while ``trickles`` slow uploads run; their outcomes as Results."""
    stop = asyncio.Event()
    bodies = [_post_body(f"load-{run_id}-slow{trickles}-{i}", photo) for i in range(trickles)]

    async def slow(i: int) -> Result:
        marker = f"load-{run_id}-slow{trickles}-{i}"
        start = time.monotonic()
        result = Result(endpoint="report_post", start=0.0, seconds=0.0, marker=marker)
        try:
            response = await trickle(
                "127.0.0.1", port, "/api/v1/reports/", *bodies[i], seconds=TRICKLE_S, stop=stop
            )
        except OSError as exc:
            result.error, result.detail = "broken", str(exc)
        else:
            if response is not None:
                result.status = response.status
                if response.status == 201:
                    result.public_id = json.loads(response.body)["id"]
        result.seconds = time.monotonic() - start
        return result

    uploads = [asyncio.create_task(slow(i)) for i in range(trickles)]
    reads, wall = await run_load(port, w, users=4, seconds=TRICKLE_S, max_requests=100_000, seed=trickles)
    posted = await asyncio.gather(*uploads)
    ms = [r.seconds * 1000 for r in reads]
    return {
        "trickles": trickles,
        "reads": len(reads),
        "rps": len(reads) / wall,
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "max": max(ms),
        "read_errors": sum(1 for r in reads if not r.ok),
        "posts": posted,
    }


def upload_faults(app_env: Callable[[Path, str], dict[str, str]]) -> str:
    from bench.load.reconcile import reconcile
    from bench.load.run import prepare
    from bench.load.server import App
    from bench.photos import photo_jpeg
    from domains.reports.models import Report

    run_id = uuid.uuid4().hex[:8]
    run_dir = ROOT / ".local" / "load" / f"upload-{run_id}"
    base = prepare(run_id, sample=500)
    reads = Workload(
        run_id=run_id,
        photo=b"",
        categories=base.categories,
        read_ids=base.read_ids,
        patch_ids=base.patch_ids,
        staff_token=base.staff_token,
        mix=dict(READ_MIX),
    )
    photo = photo_jpeg(2)
    app = App(free_port(), app_env(run_dir, run_id), run_dir / "serve.log")
    print(f"upload faults {run_id} on 127.0.0.1:{app.port}", flush=True)
    app.start()
    try:
        cut = asyncio.run(_cut_uploads(app.port, run_id, photo))
        time.sleep(3)  # let the workers notice the hang-ups and clean up
        after_cut = {"media": _files(run_dir / "media"), "tmp": _files(run_dir / "tmp")}
        rows_after_cut = Report.objects.filter(description__startswith=f"load-{run_id}-cut").count()
        alive_after_cut = asyncio.run(_health(app.port))
        runs = [asyncio.run(_reads_during(app.port, reads, n, run_id, photo)) for n in (0, 4, 24)]
        workers = len(app.web_workers())
    finally:
        app.stop()
    log = (run_dir / "serve.log").read_text(errors="replace")
    slow_results = [r for run in runs for r in run["posts"]]
    rec = reconcile(slow_results, run_id, run_dir / "media")
    return _markdown(
        run_id, cut, after_cut, rows_after_cut, alive_after_cut, runs, rec, log, workers, len(photo)
    )


async def _health(port: int) -> int:
    from bench.load.client import Connection

    conn = Connection("127.0.0.1", port)
    try:
        return (await conn.request("GET", "/healthz", timeout=10)).status
    finally:
        conn.close()


def _markdown(run_id, cut, after_cut, rows_after_cut, health, runs, rec, log, workers, size) -> str:
    cut_lines = "\n".join(
        f"  - {where}: {sent / 1e6:.2f} of {declared / 1e6:.2f} MB" for _, where, sent, declared in cut
    )
    tracebacks = log.count("Traceback")
    s500 = sum(1 for line in log.splitlines() if '" 500 ' in line)
    rows = [
        "| slow uploads at once | reads | reads/s | p50 ms | p95 ms | max ms | read errors | slow uploads answered |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        answers: dict[str, int] = {}
        for r in run["posts"]:
            key = r.error or str(r.status)
            answers[key] = answers.get(key, 0) + 1
        slowest = max((r.seconds for r in run["posts"]), default=0)
        answered = ", ".join(f"{k}×{v}" for k, v in sorted(answers.items())) or "—"
        rows.append(
            f"| {run['trickles']} | {run['reads']:,} | {run['rps']:.1f} | {run['p50']:.0f} | {run['p95']:.0f} "
            f"| {run['max']:.0f} | {run['read_errors']} | {answered}{f' (slowest {slowest:.1f} s)' if run['posts'] else ''} |"
        )
    return f"""
### 2. Cut-off and slow uploads (run `{run_id}`, `bench/load/fault_upload.py`)

Multipart `POST /api/v1/reports/` with one 12 MP JPEG ({size / 1e6:.1f} MB), the client hanging up
(socket aborted) after:

{cut_lines}

Three seconds later: reports with these markers **{rows_after_cut}**; files under the run's MEDIA_ROOT
**{len(after_cut["media"])}**; temporary upload files under its TMPDIR **{len(after_cut["tmp"])}**;
`/healthz` answered {health}. Server log: {s500} responses with status 500, {tracebacks} tracebacks.
`RequestGuardMiddleware` (`config/middleware.py`, `CompleteBodyStream`) treats an end of data before
Content-Length as an error: the multipart parser stops with `UnreadablePostError`, the middleware
answers 400 and deletes the half-written temporary upload, and no view runs. (Before that change the
same five requests were all stored, four of them without their photo: gunicorn hands the app the shorter
body and Django's parser silently drops an unfinished last file.)

Slow uploads: each spreads its POST over {TRICKLE_S:.0f} s (≈ {size / TRICKLE_S / 1e3:.0f} kB/s) while
4 virtual users read (map bbox, report API, tiles 1:1:2) for the same {TRICKLE_S:.0f} s; the server has
{workers} workers × 4 threads = {workers * 4} threads.

{chr(10).join(rows)}

gthread reads a request body in the worker thread, so each slow upload holds one of the {workers * 4}
threads for its whole duration. With fewer slow uploads than threads the reads go on; with more, reads
queue behind the uploads (see the max column). `make run` has nothing in front of gunicorn; a production
setup needs a reverse proxy that buffers request bodies before passing them on (nginx does by default,
`proxy_request_buffering on`), or at least more threads (`WEB_THREADS`).

Reconciliation of the slow uploads:

{rec.markdown()}
"""
