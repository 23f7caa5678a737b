"""The cluster test (``make cluster-test``, not part of ``make test``): two application nodes behind nginx.

Everything runs on this machine, but each node in its own network namespace, as on separate hosts:

- network: namespaces ``mm-node1`` and ``mm-node2``, each with a veth pair (host 10.77.N.1, node
  10.77.N.2) and a default route to the host. The shared services listen on 10.77.1.1, which both nodes
  reach through their default route (the host routes its own addresses);
- PostgreSQL: a throwaway primary (``bench/load/cluster.py``, own port) filled by ``generate_reports.py``,
  and a streaming replica of it (``pg_basebackup -R``); the nodes read public lists from the replica;
- Redis (own ``redis-server``, no persistence), an S3-protocol server (moto, as in the tests) with one
  bucket for the run, an SMTP sink — all on 10.77.1.1;
- two nodes running ``scripts/serve.sh`` (gunicorn + task worker with ``--stale-after``) inside their
  namespaces, the same SECRET_KEY, settings and stores;
- nginx (Debian) on 127.0.0.1 as load balancer (round robin, ``max_fails=1``; a request is passed to the
  other node only if it could not be sent — never a POST that a node may have stored).

The mixed load of ``bench/load/workload.py`` runs against nginx; at ``--kill-at`` seconds node 1's whole
process group gets SIGKILL. Pass: nginx fails over (errors only while node 1 dies), the reconciliation
finds 0 lost and 0 duplicated reports and 0 orphan objects in the bucket, every photo of the run is
answered (302 → presigned URL → the bytes) by both nodes once node 1 is started again, and the
replica's lag (``pg_stat_replication``) is reported. Writes its section of docs/benchmarks.md.

    .venv/bin/python bench/load/cluster_test.py [--count 100000] [--users 16] [--seconds 60] [--kill-at 25]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, load, machine, now_utc, write_section  # noqa: E402
from bench.load.cluster import Cluster  # noqa: E402
from bench.load.server import App  # noqa: E402
from bench.load.smtp_sink import SmtpSink  # noqa: E402

SECTION = "## Cluster test (make cluster-test)"
SVC = "10.77.1.1"  # where the shared services listen (host side of node 1's veth)
NODES = (1, 2)
DBNAME = "mm_cluster_bench"
BUCKET = "mm-cluster"


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=check)


class Network:
    """Two network namespaces with veth pairs and default routes to the host."""

    def up(self) -> None:
        self.down()
        for n in NODES:
            ns, host_if, node_if = f"mm-node{n}", f"mmh{n}", f"mmn{n}"
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "add", host_if, "type", "veth", "peer", "name", node_if)
            sh("ip", "link", "set", node_if, "netns", ns)
            sh("ip", "addr", "add", f"10.77.{n}.1/24", "dev", host_if)
            sh("ip", "link", "set", host_if, "up")
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"10.77.{n}.2/24", "dev", node_if)
            sh("ip", "netns", "exec", ns, "ip", "link", "set", node_if, "up")
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
            sh("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", f"10.77.{n}.1")

    def down(self) -> None:
        for n in NODES:
            sh("ip", "netns", "del", f"mm-node{n}", check=False)
            sh("ip", "link", "del", f"mmh{n}", check=False)


class Background:
    """A helper server in the host namespace, stopped at the end."""

    def __init__(self, cmd: list[str], log: Path) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def wait_port(host: str, port: int, seconds: float = 20) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {host}:{port}")


def nginx_conf(run_dir: Path, port: int) -> Path:
    (run_dir / "nginx").mkdir(parents=True, exist_ok=True)
    upstreams = "\n".join(f"    server 10.77.{n}.2:8000 max_fails=1 fail_timeout=30s;" for n in NODES)
    conf = run_dir / "nginx" / "nginx.conf"
    conf.write_text(
        f"""user root;
worker_processes 1;
pid {run_dir}/nginx/nginx.pid;
error_log {run_dir}/nginx/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log {run_dir}/nginx/access.log;
  client_body_temp_path {run_dir}/nginx/body;
  proxy_temp_path {run_dir}/nginx/proxy;
  fastcgi_temp_path {run_dir}/nginx/fastcgi;
  uwsgi_temp_path {run_dir}/nginx/uwsgi;
  scgi_temp_path {run_dir}/nginx/scgi;
  client_max_body_size 80m;
  upstream app {{
{upstreams}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_502;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""
    )
    return conf


class LagSampler(threading.Thread):
    """Max replay lag of the replica as the primary sees it (pg_stat_replication), sampled every 0.5 s."""

    def __init__(self, primary_port: int) -> None:
        super().__init__(daemon=True)
        self.port = primary_port
        self.max_lag_ms = 0.0
        self.max_bytes = 0
        self.samples = 0
        self.stop_flag = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as c:
            while not self.stop_flag.is_set():
                row = c.execute(
                    "SELECT coalesce(extract(epoch FROM replay_lag) * 1000, 0),"
                    " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication"
                ).fetchone()
                if row:
                    self.samples += 1
                    self.max_lag_ms = max(self.max_lag_ms, float(row[0]))
                    self.max_bytes = max(self.max_bytes, int(row[1] or 0))
                self.stop_flag.wait(0.5)


def fetch_photo(host: str, port: int, name: str) -> bool:
    """GET /media/<name> on one node: a 302 to a presigned URL that answers 200 with a JPEG."""
    import http.client

    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", f"/media/{name}")
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        return False
    try:
        with urllib.request.urlopen(response.getheader("Location"), timeout=10) as r:
            return r.status == 200 and r.read(2) == b"\xff\xd8"
    except urllib.error.URLError:
        return False


def node_env(
    run_id: str, primary: Cluster, replica: Cluster, redis_port: int, s3_port: int, smtp_port: int
) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"postgis://postgres@{SVC}:{primary.port}/{DBNAME}",
        "DATABASE_REPLICA_URL": f"postgis://postgres@{SVC}:{replica.port}/{DBNAME}",
        "REDIS_URL": f"redis://{SVC}:{redis_port}/0",
        "MEDIA_STORAGE_URL": f"s3://mm-key:mm-secret@{SVC}:{s3_port}/{BUCKET}?region=eu-central-1&secure=false",
        "EMAIL_HOST": SVC,
        "EMAIL_PORT": str(smtp_port),
        "SECRET_KEY": secrets.token_urlsafe(50),  # the same for both nodes: sessions, links, tokens
        # The same parking card keys on both nodes, as production requires (config.parking_keys).
        "PARKING_SIGNING_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
        "PARKING_SIGNING_KEY_ID": f"cluster-{run_id}"[:32],
        "PARKING_PLATE_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,10.77.1.2,10.77.2.2",
        "THROTTLE_REPORT_CREATE": "1000000/hour",
        "CACHE_KEY_PREFIX": f"mm-cluster-{run_id}",
        "TASK_WORKER_ARGS": "--stale-after 600",
        "FORWARDED_ALLOW_IPS": "*",
        "WEB_CONCURRENCY": "2",
    }


def start_node(n: int, env: dict, run_dir: Path) -> App:
    app = App(
        8000,
        env,
        run_dir / f"node{n}.log",
        host=f"10.77.{n}.2",
        prefix=["ip", "netns", "exec", f"mm-node{n}"],
    )
    app.start()
    return app


def bucket_keys(s3) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys.update(o["Key"] for o in page.get("Contents", []))
    return keys


def main() -> None:  # noqa: C901 (one linear script: set up, run, check, tear down)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="synthetic reports in the database")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill-at", type=float, default=25)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("the cluster test needs root (network namespaces)")
    subprocess.run([str(ROOT / "scripts" / "system-packages.sh"), "--with-ops"], check=True)
    run_id = uuid.uuid4().hex[:8]
    run_dir = ROOT / ".local" / "cluster" / run_id
    run_dir.mkdir(parents=True)
    base = Path(tempfile.mkdtemp(prefix="mm-cluster-", dir="/tmp"))
    base.chmod(0o755)
    net = Network()
    primary = Cluster(port=free_port(), base=base / "primary", listen=f"127.0.0.1,{SVC}")
    replica = Cluster(port=free_port(), base=base / "replica", listen=f"127.0.0.1,{SVC}")
    helpers: list[Background] = []
    nodes: dict[int, App] = {}
    sink = None
    started, load_before = now_utc(), load()
    try:
        net.up()
        primary.ensure()
        os.environ["DATABASE_URL"] = primary.url(DBNAME)
        gen = [
            sys.executable,
            str(ROOT / "bench" / "generate_reports.py"),
            "--count",
            str(args.count),
            "--no-write",
        ]
        subprocess.run(gen, check=True, cwd=ROOT)
        replica.basebackup_from(primary)
        redis_port, s3_port, lb_port = free_port(), free_port(), free_port()
        redis_cmd = [
            "redis-server",
            "--bind",
            SVC,
            "--port",
            str(redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        helpers.append(Background(redis_cmd, run_dir / "redis.log"))
        helpers.append(
            Background(
                [sys.executable, "-m", "moto.server", "-H", SVC, "-p", str(s3_port)], run_dir / "s3.log"
            )
        )
        wait_port(SVC, redis_port)
        wait_port(SVC, s3_port)
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://{SVC}:{s3_port}",
            aws_access_key_id="mm-key",
            aws_secret_access_key="mm-secret",
            region_name="eu-central-1",
        )
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        sink = SmtpSink(host=SVC).__enter__()
        env = node_env(run_id, primary, replica, redis_port, s3_port, sink.port)

        from bench.common import setup_django

        setup_django()
        from bench.load.run import ensure_static, prepare
        from bench.load.workload import run_load, summarise

        ensure_static()
        w = prepare(run_id)
        for n in NODES:
            nodes[n] = start_node(n, env, run_dir)
        conf = nginx_conf(run_dir, lb_port)
        helpers.append(Background(["nginx", "-c", str(conf), "-g", "daemon off;"], run_dir / "nginx.log"))
        wait_port("127.0.0.1", lb_port)
        lag = LagSampler(primary.port)
        lag.start()
        killed_at: list[float] = []

        def kill_node1() -> None:
            os.killpg(nodes[1].proc.pid, signal.SIGKILL)
            killed_at.append(time.monotonic())

        t0 = time.monotonic()
        timer = threading.Timer(args.kill_at, kill_node1)
        timer.start()
        results, wall = asyncio.run(
            run_load(lb_port, w, users=args.users, seconds=args.seconds, max_requests=1_000_000, seed=5)
        )
        timer.cancel()
        lag.stop_flag.set()
        kill_rel = (killed_at[0] - t0) if killed_at else None
        nodes[1].proc.wait(5)
        nodes[1] = start_node(1, env, run_dir)  # back again: both nodes must answer for every photo
        time.sleep(2)  # let the task workers send what is queued (mail count below is informative)
        from bench.load.reconcile import reconcile
        from domains.reports.models import ReportPhoto

        before = reconcile(results, run_id, run_dir / "media", stored=bucket_keys(s3))
        # What a killed node left in the bucket (photos written, transaction never committed) is what the
        # daily sweep removes; run it now instead of waiting an hour, from the surviving node.
        sweep = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                "mm-node2",
                str(ROOT / ".venv" / "bin" / "python"),
                str(ROOT / "manage.py"),
                "sweep_orphan_files",
                "--older-than",
                "0",
            ],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        rec = reconcile(results, run_id, run_dir / "media", stored=bucket_keys(s3))
        rec.sweep_note = (
            f"{len(before.orphan_files)} orphan object(s) left by the killed node before the sweep; "
            f"`sweep_orphan_files`: {sweep.stdout.strip() or sweep.stderr.strip()[-300:]}"
        )
        names = list(
            ReportPhoto.objects.filter(report__description__startswith=f"load-{run_id}-").values_list(
                "image", flat=True
            )
        )
        photo_ok = {n: sum(fetch_photo(f"10.77.{n}.2", 8000, name) for name in names) for n in NODES}
        body = markdown(
            args, results, wall, summarise, kill_rel, rec, names, photo_ok, lag, sink, started, load_before
        )
        print(body)
        passed = rec.clean and all(v == len(names) for v in photo_ok.values()) and not rec.orphan_files
        if not args.no_write:
            write_section(SECTION, body)
        if not passed:
            sys.exit("cluster test FAILED (see above)")
    finally:
        for app in nodes.values():
            app.stop()
        for h in reversed(helpers):
            h.stop()
        if sink is not None:
            sink.__exit__(None, None, None)
        replica.destroy()
        primary.destroy()
        net.down()
        shutil.rmtree(base, ignore_errors=True)


def markdown(
    args, results, wall, summarise, kill_rel, rec, names, photo_ok, lag, sink, started, load_before
) -> str:
    # in flight at the kill or started after it
    after = [r for r in results if kill_rel is not None and r.start + r.seconds >= kill_rel]
    errors_after = [r for r in after if not r.ok]
    last_error = max((r.start for r in errors_after), default=None)
    total = summarise(results, wall)[-1]
    lines = [
        f"`make cluster-test` (`bench/load/cluster_test.py --count {args.count} --users {args.users} "
        f"--seconds {args.seconds} --kill-at {args.kill_at}`) — {started}, {machine()}, load average "
        f"{load_before} → {load()}. Two nodes (2 gunicorn workers × 4 threads + task worker each) in their own "
        "network namespaces behind nginx; throwaway PostgreSQL primary + streaming replica, Redis, moto S3, "
        "SMTP sink on the host side of the veth pairs.",
        "",
        f"- requests: {total['requests']:,} in {wall:.0f} s ({total['rps']:.1f}/s), p50 {total['p50']:.0f} ms, "
        f"p95 {total['p95']:.0f} ms, answers {total['statuses']}",
        f"- node 1 killed (SIGKILL, whole process group) at {kill_rel:.1f} s; {len(after):,} requests in flight "
        f"then or started afterwards, {len(errors_after)} without a good answer "
        f"({', '.join(sorted({r.endpoint + ' ' + str(r.status or r.error) for r in errors_after})) or '-'})"
        + (
            f", the last at {last_error:.1f} s ({last_error - kill_rel:.1f} s after the kill)"
            if last_error
            else ""
        )
        if kill_rel is not None
        else "- node 1 was not killed (run shorter than --kill-at)",
        f"- reconciliation: {rec.acknowledged} reports acknowledged, {len(rec.lost)} lost, {len(rec.duplicated)} "
        f"duplicated, {rec.unanswered} unanswered ({rec.unanswered_stored} of them stored); bucket: "
        f"{rec.files} objects, {len(rec.orphan_files)} orphans, {len(rec.missing_files)} missing "
        f"({getattr(rec, 'sweep_note', '')})",
        f"- photos of the run answered (302 → presigned → JPEG): node 1 {photo_ok[1]}/{len(names)}, "
        f"node 2 {photo_ok[2]}/{len(names)}",
        f"- replica lag (pg_stat_replication, {lag.samples} samples): max replay_lag {lag.max_lag_ms:.0f} ms, "
        f"max {lag.max_bytes:,} bytes of WAL behind",
        f"- mails received by the SMTP sink: {len(sink.messages)}",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
