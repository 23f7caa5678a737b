"""Run by tests/operations/test_replica.py in a child process whose settings point at a throwaway primary
(DATABASE_URL) and its streaming replica (DATABASE_REPLICA_URL). Prints what it observed as JSON; the
test asserts. The replica's replay is paused to make "read from the replica" visible: a report stored on
the primary is then missing exactly where reads go to the replica."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import django

django.setup()

import psycopg  # noqa: E402  (after django.setup(): the settings decide nothing here, but keep one order)
from django.test import Client  # noqa: E402

from kernel.core.replica_router import forget_replica_health  # noqa: E402

LIST = "/api/v1/reports/"
OPEN311 = "/open311/v2/requests.json"


def listed(client: Client, url: str, public_id: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return public_id in response.content.decode()


def wait_for_replay(replica: psycopg.Connection, public_id: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row = replica.execute(
            "SELECT count(*) FROM reports_report WHERE public_id = %s", [public_id]
        ).fetchone()
        if row[0]:
            return
        time.sleep(0.05)
    raise SystemExit("the replica did not replay the report within 30 s")


def main() -> None:
    replica = psycopg.connect(os.environ["REPLICA_DSN"], autocommit=True)
    out: dict[str, object] = {}
    replica.execute("SELECT pg_wal_replay_pause()")
    sender, other = Client(), Client()
    created = sender.post(
        LIST, {"category": "schlagloch", "description": "Replikat-Test", "lat": "51.0504", "lon": "13.7373"}
    )
    assert created.status_code == 201, created.content
    public_id = created.json()["id"]
    out["pin_cookie"] = "mm_primary" in created.cookies
    out["list_other_paused"] = listed(other, LIST, public_id)
    out["open311_other_paused"] = listed(other, OPEN311, public_id)
    out["list_sender_paused"] = listed(sender, LIST, public_id)
    out["detail_other_paused"] = other.get(f"{LIST}{public_id}/").status_code
    replica.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(replica, public_id)
    out["list_other_resumed"] = listed(other, LIST, public_id)
    replica.close()
    subprocess.run(os.environ["REPLICA_STOP"].split(), check=True, capture_output=True)
    forget_replica_health()
    out["list_other_replica_down"] = listed(other, LIST, public_id)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
