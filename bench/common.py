"""Shared helpers of the report benchmarks (``bench/generate_reports.py``, ``bench/reports_bbox.py``).

Both scripts run against a separate database whose name ends in ``_bench`` (``DATABASE_URL`` in the
environment overrides ``.env``), never against the development database, and each rewrites only its own
section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import math
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCH_SUFFIX = "_bench"
START_TIMEOUT_S = 30.0
EXAMPLE_URL = "postgis://postgres@127.0.0.1:5432/maengelmelder_bench"
DOC_HEADER = """# Benchmarks

Every figure below is a throughput, latency or ratio from **one run** of the named script on the machine
stated in its section — a record to compare against, never a timed test. Absolute numbers move with the
machine and its load; compare ratios across machines. Each script rewrites only its own section.
"""


def setup_django() -> dict[str, Any]:
    """``django.setup()`` with the dev settings; refuse unless the database name ends in ``_bench``."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if not str(db.get("NAME", "")).endswith(BENCH_SUFFIX):
        sys.exit(
            f"Refusing to run against database {db.get('NAME')!r}: the name must end in {BENCH_SUFFIX!r}.\n"
            f"Set DATABASE_URL, e.g. DATABASE_URL={EXAMPLE_URL}"
        )
    return db


def psycopg_kwargs(db: dict[str, Any], *, dbname: str | None = None) -> dict[str, Any]:
    """Connection arguments for a plain psycopg connection to ``db`` (or another database on its server)."""
    kwargs: dict[str, Any] = {"dbname": dbname or db["NAME"], "connect_timeout": 5}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if db.get(key):
            kwargs[name] = db[key]
    return kwargs


def ensure_database(db: dict[str, Any]) -> bool:
    """Create the bench database with PostGIS if it is missing; True when it was created."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(**psycopg_kwargs(db, dbname="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    with psycopg.connect(**psycopg_kwargs(db), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return not exists


def drop_database(db: dict[str, Any]) -> None:
    """Drop the bench database (only ever called after ``setup_django`` checked the ``_bench`` suffix)."""
    import psycopg
    from psycopg import sql

    if not str(db["NAME"]).endswith(BENCH_SUFFIX):
        raise SystemExit(f"refusing to drop {db['NAME']!r}")
    with psycopg.connect(**psycopg_kwargs(db, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, log: Path, *, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn serving ``config.wsgi`` on loopback with this process's environment (``DATABASE_URL``)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--timeout", "60",
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_up(port: int, proc: subprocess.Popen, log: Path, path: str, host: str = "127.0.0.1") -> None:
    """Poll ``path`` until it answers 200; fail with the log's tail if gunicorn exits or stays silent."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "?"
    )
    virtual = " (virtual machine)" if " hypervisor" in cpuinfo else ""
    meminfo = Path("/proc/meminfo").read_text().split()
    ram_gib = int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2
    return f"{model}, {os.cpu_count()} cores{virtual}, {ram_gib:.1f} GiB RAM; Linux {platform.release()}"


def server_versions() -> str:
    """PostgreSQL and PostGIS versions of the database Django is connected to."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0].split()[0]
        cur.execute("SELECT postgis_lib_version(), postgis_geos_version(), postgis_proj_version()")
        postgis, geos, proj = cur.fetchone()
    return f"PostgreSQL {pg}, PostGIS {postgis} (GEOS {geos.split('-')[0]}, PROJ {proj})"


def load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def busy_note(load_start: str) -> str:
    """Whether other work shared the 2 cores (1-minute load above 1.5 at the start), said either way, so a
    section never claims a busy machine on a quiet run (or the reverse)."""
    busy = float(str(load_start).split(",")[0]) > 1.5
    return (
        "**The machine was busy with other work** (other test runs and benchmarks on the same cores)"
        if busy
        else "The machine was quiet (no other test run or benchmark)"
    )


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) — no interpolation between two runs."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def write_section(title: str, body: str, doc: Path = DOC) -> None:
    """Replace the section ``title`` of ``doc`` (or append it), keeping every other section.

    The file is re-read right before writing because other benchmark scripts rewrite their own sections.
    """
    text = doc.read_text(encoding="utf-8") if doc.exists() else DOC_HEADER
    section = f"{title}\n\n{body.strip()}\n"
    start = text.find(title + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(title))
        text = text[:start] + section + ("" if end < 0 else "\n" + text[end + 1 :])
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def django_client() -> Any:
    """Django's test ``Client`` with a Host header the settings accept (the first concrete ALLOWED_HOSTS)."""
    from django.conf import settings
    from django.test import Client

    host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")), "127.0.0.1")
    return Client(HTTP_HOST=host)
