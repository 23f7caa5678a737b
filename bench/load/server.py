"""Start and stop the app exactly as ``make run`` serves it: ``scripts/serve.sh`` (gunicorn with
2 × cores workers × 4 threads, plus ``manage.py task_worker --sole-worker``), on a free loopback port.

The environment passed in decides the database (``DATABASE_URL``), the media folder and the limits; the
process tree is our own session, so stopping it never touches anything else on the machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from bench.common import ROOT, wait_until_up

SERVE = ROOT / "scripts" / "serve.sh"


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class App:
    """``scripts/serve.sh`` in its own session; knows its gunicorn master, workers and task worker."""

    def __init__(
        self,
        port: int,
        env: dict[str, str],
        log: Path,
        *,
        workers: int | None = None,
        host: str = "127.0.0.1",
        prefix: list[str] | None = None,
    ) -> None:
        self.port = port
        self.host = host
        self.prefix = prefix or []  # e.g. ["ip", "netns", "exec", "mm-node1"] (bench/load/cluster_test.py)
        self.log = log
        self.env = {**os.environ, **env, "BIND": f"{host}:{port}"}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.proc: subprocess.Popen | None = None

    def start(self, extra_args: list[str] | None = None) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [*self.prefix, "bash", str(SERVE), *(extra_args or [])],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(self.port, self.proc, self.log, "/healthz", host=self.host)

    @property
    def master(self) -> int | None:
        assert self.proc is not None
        return next((p for p in _children(self.proc.pid) if "gunicorn" in _cmdline(p)), None)

    @property
    def task_worker(self) -> int | None:
        assert self.proc is not None
        return next(
            (
                p
                for p in _children(self.proc.pid)
                if ("task_worker" in _cmdline(p) or "db_worker" in _cmdline(p))
            ),
            None,
        )

    def web_workers(self) -> list[int]:
        master = self.master
        return _children(master) if master else []

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM to serve.sh (its trap stops gunicorn and the worker); SIGKILL to our session if stuck."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        # serve.sh may be gone while a child it started lingers: clear our own session.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return self.proc.returncode
