"""A throwaway PostgreSQL cluster of our own for the fault runs (``.local/fault-pg``), never the shared one.

Made like ``scripts/ensure_db.py`` makes the project-local cluster: ``initdb`` as the ``postgres`` OS user,
trust authentication, listening on 127.0.0.1 only, on its own port (default 55433). The fault run restarts
it with ``pg_ctl restart -m fast`` while the app is under load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.common import ROOT

BASE = ROOT / ".local" / "fault-pg"
DEFAULT_PORT = 55433


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql-15)")
    return found[-1].parent


def _as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Cluster:
    def __init__(self, port: int = DEFAULT_PORT, base: Path = BASE, listen: str = "127.0.0.1") -> None:
        self.port = port
        self.listen = listen  # listen_addresses; other than loopback also gets a trust line in pg_hba
        self.base = base
        self.data = base / "data"
        self.run = base / "run"
        self.log = base / "postgres.log"
        self.bin = _bindir()

    def url(self, dbname: str) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/{dbname}"

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        res = _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args])
        if check and res.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise SystemExit(f"pg_ctl {' '.join(args)} failed:\n{res.stdout}{res.stderr}\n{tail}")
        return res

    def ensure(self) -> None:
        """initdb if needed, then start if not running."""
        if not (self.data / "PG_VERSION").exists():
            for d in (self.base, self.data, self.run):
                d.mkdir(parents=True, exist_ok=True)
                if os.geteuid() == 0:
                    shutil.chown(d, "postgres", "postgres")
            res = _as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                ]
                + ["--locale=C.UTF-8"]
            )
            if res.returncode != 0:
                raise SystemExit(f"initdb failed:\n{res.stdout}{res.stderr}")
            self._trust_listen_networks()
        if not self.running():
            self._pg_ctl("-l", str(self.log), "-w", "-t", "60", "-o", self._options(), "start")

    def _options(self) -> str:
        return f"-p {self.port} -k {self.run} -c listen_addresses={self.listen} -c max_connections=300"

    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def restart(self) -> float:
        """``pg_ctl restart -m fast`` (waits until it accepts connections again); seconds it took."""
        start = time.monotonic()
        self._pg_ctl("-l", str(self.log), "-w", "-t", "60", "-m", "fast", "-o", self._options(), "restart")
        return time.monotonic() - start

    def stop(self) -> None:
        if self.running():
            self._pg_ctl("-w", "-m", "fast", "stop")

    def _trust_listen_networks(self) -> None:
        """Trust (also for replication) the /16 of every non-loopback listen address: test networks only."""
        lines = []
        for addr in self.listen.split(","):
            addr = addr.strip()
            if addr and not addr.startswith("127."):
                net = ".".join(addr.split(".")[:2]) + ".0.0/16"
                lines += [f"host all all {net} trust", f"host replication all {net} trust"]
        if lines:
            with (self.data / "pg_hba.conf").open("a") as fh:
                fh.write("\n".join(lines) + "\n")

    def _own_dirs(self) -> None:
        for d in (self.base, self.run):
            d.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(d, "postgres", "postgres")

    def basebackup_from(self, primary: Cluster) -> None:
        """Make this cluster a streaming replica of ``primary`` and start it: ``pg_basebackup -R``
        (``standby.signal`` + ``primary_conninfo``) over a replication connection, WAL streamed during the
        copy, then started as a hot standby that answers reads."""
        if (self.data / "PG_VERSION").exists():
            raise SystemExit(f"{self.data} exists already; a replica is made into an empty directory")
        self._own_dirs()
        res = _as_postgres(
            [
                str(self.bin / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                *("-D", str(self.data), "-R", "-X", "stream", "-c", "fast"),
            ]
        )
        if res.returncode != 0:
            raise SystemExit(f"pg_basebackup failed:\n{res.stdout}{res.stderr}")
        self._pg_ctl("-l", str(self.log), "-w", "-t", "60", "-o", self._options(), "start")

    def destroy(self) -> None:
        """Stop (immediately) and remove the whole cluster directory."""
        if self.running():
            self._pg_ctl("-w", "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.base, ignore_errors=True)
