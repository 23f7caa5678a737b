"""Connection pooling under the load test (a benchmark, not a test): which setting to run in production?

Three configurations of the same app (``scripts/serve.sh``, gunicorn 2 × cores workers × 4 threads) in
turn, each for ``--seconds`` of the mixed load of ``bench/load/workload.py``, ``--rounds`` times
(A B C A B C …, so a burst of other work on the machine does not hit one configuration only):

- **persistent** (today's default): every thread keeps its own connection (``CONN_MAX_AGE=60``);
- **psycopg pool**: Django's pool per gunicorn process (``DATABASE_POOL=true``, max 8 per process);
- **PgBouncer**: Debian's pgbouncer in transaction mode on a free loopback port in front of the same
  database (``DATABASE_PGBOUNCER=true``: no server-side cursors, no prepared statements),
  ``default_pool_size`` 20 server connections for all processes.

Per configuration: requests/s, p50/p95 over all requests, errors, and the peak number of server
connections to the database (``pg_stat_activity``, sampled every 0.2 s). Run from the repository root::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/mm_load_bench \\
        .venv/bin/python bench/load/pooling.py [--users 32] [--seconds 30] [--rounds 2] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, load, machine, now_utc, psycopg_kwargs, setup_django, write_section  # noqa: E402
from bench.load.run import app_env, ensure_static, prepare  # noqa: E402
from bench.load.server import App  # noqa: E402
from bench.load.workload import run_load, summarise  # noqa: E402

SECTION = "## Connection pooling (bench/load/pooling.py)"
CONFIGS = ("persistent", "psycopg pool", "PgBouncer")


class PgBouncer:
    """Debian's pgbouncer as the postgres user (it refuses root), transaction pooling, trust auth."""

    def __init__(self, db: dict, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="mm-pgbouncer-", dir="/tmp"))
        self.dir.chmod(0o755)
        (self.dir / "users.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"[databases]\n{db['NAME']} = host={db['HOST']} port={db['PORT']} dbname={db['NAME']}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir / 'users.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 1000\ndefault_pool_size = 20\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\npidfile = {self.dir / 'pgbouncer.pid'}\n"
        )
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        exe = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        cmd = [exe, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["pg_isready", "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True
                ).returncode
                == 0
            ):
                return
            time.sleep(0.1)
        raise SystemExit(f"pgbouncer did not start: {(self.dir / 'pgbouncer.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class ConnectionSampler(threading.Thread):
    """Peak number of server connections to the database while the load runs."""

    def __init__(self, db: dict) -> None:
        super().__init__(daemon=True)
        self.db, self.dbname = db, db["NAME"]
        self.peak = 0
        self.stop_flag = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(**psycopg_kwargs(self.db, dbname="postgres"), autocommit=True) as c:
            while not self.stop_flag.is_set():
                n = c.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.dbname],
                ).fetchone()[0]
                self.peak = max(self.peak, n)
                self.stop_flag.wait(0.2)


def config_env(name: str, base: dict[str, str], db: dict, bouncer_port: int) -> dict[str, str]:
    env = dict(base)
    if name == "psycopg pool":
        env["DATABASE_POOL"] = "true"
    elif name == "PgBouncer":
        env["DATABASE_PGBOUNCER"] = "true"
        env["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:{bouncer_port}/{db['NAME']}"
    return env


def run_one(name, env, w, args, run_dir, db) -> dict:
    port = free_port()
    app = App(port, env, run_dir / f"serve-{name.replace(' ', '-')}.log")
    sampler = ConnectionSampler(db)
    app.start()
    try:
        asyncio.run(run_load(port, w, users=4, seconds=30, max_requests=args.warmup, seed=7))
        sampler.start()
        results, wall = asyncio.run(
            run_load(port, w, users=args.users, seconds=args.seconds, max_requests=1_000_000, seed=11)
        )
    finally:
        sampler.stop_flag.set()
        app.stop()
    rows = summarise(results, wall)
    total = rows[-1]
    return {"name": name, "total": total, "peak_connections": sampler.peak, "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    subprocess.run([str(ROOT / "scripts" / "system-packages.sh"), "--with-ops"], check=True)
    db = setup_django()
    ensure_static()
    run_id = uuid.uuid4().hex[:8]
    run_dir = ROOT / ".local" / "load" / f"pool-{run_id}"
    w = prepare(run_id)
    bouncer = PgBouncer(db, free_port())
    bouncer.start()
    started, load_before = now_utc(), load()
    runs = []
    try:
        base = app_env(db, run_dir, run_id)
        for round_no in range(1, args.rounds + 1):
            for name in CONFIGS:
                r = run_one(name, config_env(name, base, db, bouncer.port), w, args, run_dir, db)
                r["round"] = round_no
                print(
                    f"round {round_no} {name}: {r['total']} peak connections {r['peak_connections']}",
                    flush=True,
                )
                runs.append(r)
    finally:
        bouncer.stop()
    body = markdown(runs, args, db, started, load_before, load())
    print(body)
    if not args.no_write:
        write_section(SECTION, body)


def markdown(runs, args, db, started, load_before, load_after) -> str:
    lines = [
        f"`DATABASE_URL=…/{db['NAME']} .venv/bin/python bench/load/pooling.py --users {args.users} "
        f"--seconds {args.seconds} --rounds {args.rounds}` — {started}, {machine()}, "
        f"load average {load_before} → {load_after}.",
        "",
        "| round | configuration | requests/s | p50 ms | p95 ms | errors | peak server connections | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        t = r["total"]
        lines.append(
            f"| {r['round']} | {r['name']} | {t['rps']:.0f} | {t['p50']:.0f} | {t['p95']:.0f} | {t['errors']} "
            f"| {r['peak_connections']} | {r['load']:.1f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
