"""Get a PostGIS database for ``make run`` / ``make test`` and record the choice in ``.env``.

Run with the project's venv Python from the repository root. The order of choices is documented in
``config/dbselect.py`` and the README. Also writes ``DJANGO_SETTINGS_MODULE=config.settings.dev`` when
``.env`` names none, for ``manage.py`` (config.env.settings_module). Idempotent: a second run only checks and reuses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from config.dbselect import (  # noqa: E402
    DEFAULT_DB_NAME,
    LOCAL_CLUSTER_PORT,
    SOURCE_LOCAL,
    choose_database,
    db_name_of,
    libpq_url,
    server_url,
)
from config.env import read_dotenv  # noqa: E402

LOCAL = ROOT / ".local"
PG_LINK = LOCAL / "pg"
DOTENV = ROOT / ".env"
MANAGED_KEYS = ("DATABASE_URL", "MM_DB_SOURCE", "REDIS_URL")
DEV_SETTINGS = "config.settings.dev"


def say(msg: str) -> None:
    print(f">> {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"FEHLER: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def server_answers(host: str, port: int) -> bool:
    try:
        with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- project-local cluster -------------------------------------------------------------------------


def pg_bindir() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        fail(
            "PostgreSQL-Server nicht installiert (initdb fehlt). 'make' installiert ihn; sonst: apt-get install postgresql-15"
        )
    return versions[-1].parent


def as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, **kw)


def postgres_can_use(path: Path) -> bool:
    if os.geteuid() != 0:
        return True
    return as_postgres(["test", "-w", str(path)], capture_output=True).returncode == 0


def cluster_dir() -> Path:
    """``.local/pg``; a symlink to /var/lib/postgresql when the postgres user cannot reach the checkout
    (e.g. a clone under /root, which is mode 700)."""
    if PG_LINK.exists():
        return PG_LINK.resolve()
    LOCAL.mkdir(exist_ok=True)
    PG_LINK.mkdir()
    if os.geteuid() == 0:
        shutil.chown(PG_LINK, "postgres", "postgres")
    if postgres_can_use(PG_LINK):
        return PG_LINK
    PG_LINK.rmdir()
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    target = Path("/var/lib/postgresql") / f"maengelmelder-{digest}"
    target.mkdir(parents=True, exist_ok=True)
    shutil.chown(target, "postgres", "postgres")
    PG_LINK.symlink_to(target)
    say(f"Der Benutzer postgres kann {ROOT} nicht lesen; Cluster liegt in {target} (Link .local/pg).")
    return target


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def ensure_local_cluster() -> int:
    base = cluster_dir()
    data, run, log = base / "data", base / "run", base / "postgres.log"
    bindir = pg_bindir()
    port_file = base / "port"
    if not (data / "PG_VERSION").exists():
        say(f"Lege projekteigenen PostgreSQL-Cluster an: {data}")
        for d in (data, run):
            d.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(d, "postgres", "postgres")
        res = as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode != 0:
            fail(f"initdb ist fehlgeschlagen:\n{res.stdout}\n{res.stderr}")
    port = int(port_file.read_text()) if port_file.exists() else 0
    status = as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "status"], capture_output=True)
    if status.returncode == 0 and port:
        return port
    if not port:
        port = next((p for p in range(LOCAL_CLUSTER_PORT, LOCAL_CLUSTER_PORT + 50) if port_free(p)), 0)
        if not port:
            fail(f"Kein freier Port ab {LOCAL_CLUSTER_PORT} für den projekteigenen Cluster.")
        port_file.write_text(f"{port}\n")
    say(f"Starte projekteigenen PostgreSQL-Cluster auf 127.0.0.1:{port}")
    res = as_postgres(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {run} -c listen_addresses=127.0.0.1",
            "start",
        ],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        fail(f"Der projekteigene Cluster startet nicht:\n{res.stdout}{res.stderr}\n{tail}")
    return port


# --- database and extension ------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    name = db_name_of(url)
    try:
        with psycopg.connect(libpq_url(url, dbname="postgres"), autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                say(f"Lege Datenbank {name} an")
                conn.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(name)
                    )
                )
    except psycopg.Error as exc:
        say(
            f"Hinweis: Datenbank {name} konnte nicht geprüft/angelegt werden ({exc.__class__.__name__}); versuche sie direkt."
        )
    for attempt in range(20):
        try:
            with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
                say(f"Datenbank bereit: {name} (PostGIS {version})")
                return
        except psycopg.OperationalError as exc:
            if attempt == 19:
                fail(f"Keine Verbindung zur Datenbank {name}: {exc}")
            time.sleep(0.5)
        except psycopg.Error as exc:
            fail(
                f"PostGIS lässt sich in {name} nicht aktivieren: {exc}\n"
                "Ist das Paket postgresql-15-postgis-3 installiert und hat der Benutzer die nötigen Rechte?"
            )


def write_dotenv(values: dict[str, str | None]) -> None:
    existing = read_dotenv(DOTENV)
    lines = ["# Written by scripts/ensure_db.py (make run / make test). Your own keys are kept."]
    for key, value in existing.items():
        if key not in MANAGED_KEYS:
            lines.append(f"{key}={value}")
    for key in MANAGED_KEYS:
        if values.get(key):
            lines.append(f"{key}={values[key]}")
    if "DJANGO_SETTINGS_MODULE" not in existing:  # for manage.py (config.env.settings_module); kept if set
        lines.append(f"DJANGO_SETTINGS_MODULE={DEV_SETTINGS}")
    DOTENV.write_text("\n".join(lines) + "\n", encoding="utf-8")
    DOTENV.chmod(0o600)  # may hold a database password


def main() -> None:
    previous = read_dotenv(DOTENV)
    db_name = os.environ.get("DB_NAME") or DEFAULT_DB_NAME
    choice = choose_database(
        environ_url=os.environ.get("DATABASE_URL"),
        previous_source=previous.get("MM_DB_SOURCE"),
        local_cluster_exists=(PG_LINK / "data" / "PG_VERSION").exists(),
        server_answers=server_answers("127.0.0.1", 5432),
        db_name=db_name,
    )
    url = choice.url
    if choice.source == SOURCE_LOCAL:
        port = ensure_local_cluster()
        url = server_url("127.0.0.1", port, db_name)
    assert url
    say(f"Datenbank: {choice.source} → {url}")
    ensure_database(url)

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url and redis_answers():
        redis_url = "redis://127.0.0.1:6379/0"
    if not redis_url:
        say("Kein Redis gefunden: Cache und Drosselung nutzen die Datenbank.")
    write_dotenv({"DATABASE_URL": url, "MM_DB_SOURCE": choice.source, "REDIS_URL": redis_url})


if __name__ == "__main__":
    main()
