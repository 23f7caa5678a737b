"""DATABASE_REPLICA_URL against a real streaming replica: a throwaway primary cluster with a copy of the
test database, a replica made by ``pg_basebackup -R``, and the app in a child process pointed at both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from bench.common import free_port
from bench.load.cluster import Cluster
from shared.operations.backup import libpq_env
from tests.conftest import _restore_reference_data

ROOT = Path(__file__).resolve().parents[2]
DBNAME = "mm"


@pytest.fixture(scope="module")
def primary_and_replica(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _restore_reference_data()  # a transactional test before may have flushed it; the copy needs it
    base = Path(tempfile.mkdtemp(prefix="mm-replica-", dir="/tmp"))
    base.chmod(0o755)  # the clusters run as the postgres user
    primary = Cluster(port=free_port(), base=base / "primary")
    replica = Cluster(port=free_port(), base=base / "replica")
    try:
        primary.ensure()
        env = {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(primary.port), "PGUSER": "postgres"}
        subprocess.run(["createdb", DBNAME], env=env, check=True)
        dump = subprocess.run(
            ["pg_dump", "--format=custom", settings.DATABASES["default"]["NAME"]],
            env=libpq_env(settings.DATABASES["default"]),
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", DBNAME], input=dump, env=env, check=True
        )
        replica.basebackup_from(primary)
        yield primary, replica
    finally:
        replica.destroy()
        primary.destroy()


def test_public_reads_go_to_the_replica_and_a_writer_stays_on_the_primary(primary_and_replica):
    primary, replica = primary_and_replica
    stop = f"runuser -u postgres -- {replica.bin / 'pg_ctl'} -D {replica.data} -m immediate -w stop"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": primary.url(DBNAME),
        "DATABASE_REPLICA_URL": replica.url(DBNAME),
        "REPLICA_DSN": f"host=127.0.0.1 port={replica.port} user=postgres dbname={DBNAME}",
        "REPLICA_STOP": stop,
        # the paused replica "lags" by the pause; allow it so the routing itself is what is observed
        "REPLICA_MAX_LAG_SECONDS": "3600",
    }
    child = subprocess.run(
        [sys.executable, "-m", "tests.operations.replica_child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    # While replay is paused the replica lacks the new report: anonymous public lists read the replica …
    assert seen["list_other_paused"] is False
    assert seen["open311_other_paused"] is False
    # … the person who just sent it reads the primary (pin cookie), and so does every read by id.
    assert seen["pin_cookie"] is True
    assert seen["list_sender_paused"] is True
    assert seen["detail_other_paused"] == 200
    # Replay resumed: the replica has it. Replica stopped: public reads fall back to the primary.
    assert seen["list_other_resumed"] is True
    assert seen["list_other_replica_down"] is True
