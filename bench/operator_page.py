"""Benchmark (not a test): the platform operator's page ``/verwaltung/betrieb/`` with 418 organisations.

Run against a ``*_bench`` database (created with PostGIS and migrated if missing)::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/mm_golive_bench .venv/bin/python bench/operator_page.py

Steps: migrate; create 418 commune organisations (idempotent, AGS 99xxxxxx) in mixed states — a third
with a first admin and a second factor, a quarter with a confirmed address, some with the retention or
category confirmation, a few with permits and parking on — and one operator (superuser with a confirmed
TOTP device, also admin of the first organisation). Then, interleaved per round, through Django's test
``Client`` (whole middleware stack):

- *baseline*: the checklist page of one organisation (``/verwaltung/einstellungen/startklar/``) — the same
  readiness code for one organisation, so the ratio shows what 418 cost over 1;
- *page*: the operator page, first page of 50;
- *filtered*: ``?state=preparing&missing=recipient``;
- *CSV*: the download of all 418 rows.

Query counts of each request are recorded (they must not grow with the number of organisations).
p50/p95 are nearest-rank percentiles. Results go to the "Operator page" section of docs/benchmarks.md.
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
    django_client,
    ensure_database,
    load,
    machine,
    now_utc,
    percentile,
    server_versions,
    setup_django,
    write_section,
)

SECTION = "## Operator page with 418 organisations (bench/operator_page.py)"
ORGANISATIONS = 418
PAGES = {
    "baseline": "/verwaltung/einstellungen/startklar/",
    "page": "/verwaltung/betrieb/",
    "filtered": "/verwaltung/betrieb/?state=preparing&missing=recipient",
    "csv": "/verwaltung/betrieb/organisationen.csv",
}


def prepare() -> int:
    """Migrate and create the organisations and the operator; returns the number of organisations."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kernel.organisations.models import AuditEvent, Membership, Organisation, OrganisationKind, Role

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    User = get_user_model()
    existing = set(Organisation.objects.filter(ags__startswith="99").values_list("ags", flat=True))
    fresh = [
        Organisation(
            kind=OrganisationKind.COMMUNE,
            ags=f"99{i:06d}",
            name=f"Benchgemeinde {i:03d}",
            email=f"meldungen{i}@bench.example",
            email_confirmed_for=f"meldungen{i}@bench.example" if i % 4 == 0 else "",
            email_confirmed_at=timezone.now() if i % 4 == 0 else None,
            permits_enabled=i % 5 == 0,
            parking_enabled=i % 11 == 0,
            letterhead_name=f"Gemeinde {i}" if i % 2 else "",
        )
        for i in range(ORGANISATIONS)
        if f"99{i:06d}" not in existing
    ]
    Organisation.objects.bulk_create(fresh)
    orgs = list(Organisation.objects.filter(ags__startswith="99").order_by("ags"))
    for i, org in enumerate(orgs):
        if i % 3 or Membership.objects.filter(organisation=org).exists():
            continue
        user, _ = User.objects.get_or_create(username=f"bench_admin_{i}")
        TOTPDevice.objects.get_or_create(user=user, name="Bench", confirmed=True)
        Membership.objects.create(user=user, organisation=org, role=Role.ADMIN)
        for action in ("organisation.retention", "categories.review")[: 1 + i % 2]:
            AuditEvent.objects.create(
                organisation=org,
                action=action,
                object_type="organisation",
                object_id=str(org.pk),
                summary="Bench",
            )
    operator, created = User.objects.get_or_create(username="bench_operator", defaults={"is_superuser": True})
    if created:
        operator.is_staff = True
        operator.save()
        TOTPDevice.objects.create(user=operator, name="Bench", confirmed=True)
    Membership.objects.get_or_create(user=operator, organisation=orgs[0], defaults={"role": Role.ADMIN})
    return len(orgs)


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = django_client()
    operator = get_user_model().objects.get(username="bench_operator")
    client.force_login(operator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=operator, confirmed=True).persistent_id
    session.save()
    return client


def measure(rounds: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client()

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)

    times: dict[str, list[float]] = {name: [] for name in PAGES}
    queries: dict[str, int] = {}
    for name, path in PAGES.items():  # warm-up, and the query count of each
        with CaptureQueriesContext(connection) as captured:
            get(path)
        queries[name] = len(captured.captured_queries)
    for _ in range(rounds):
        for name, path in PAGES.items():
            started = time.perf_counter()
            get(path)
            times[name].append((time.perf_counter() - started) * 1000)
    return times, queries


def markdown(args: argparse.Namespace, count: int, times: dict, queries: dict, start_load: str) -> str:
    def line(name: str, label: str) -> str:
        values = times[name]
        return (
            f"| {label} | {len(values)} | {queries[name]} | {statistics.median(values):.1f} |"
            f" {percentile(values, 95):.1f} | {min(values):.1f} | {max(values):.1f} |"
        )

    base = statistics.median(times["baseline"])
    p95 = percentile(times["page"], 95)
    return f"""
Command: `DATABASE_URL=postgis://…/mm_golive_bench .venv/bin/python bench/operator_page.py --rounds {args.rounds}` — {now_utc()}.

- Machine: {machine()}; load average at start {start_load}, at end {load()}. {busy_note(start_load)} — read
  ratios, not milliseconds.
- {server_versions()}; {count} commune organisations in mixed states (created by the script), one
  operator (superuser, second factor confirmed in the session). Requests through Django's test `Client`.
- *baseline*: the checklist page of one organisation (the same readiness code for 1 organisation).

| request | n | queries | p50 ms | p95 ms | min ms | max ms |
|---|---:|---:|---:|---:|---:|---:|
{line("baseline", "baseline: `/verwaltung/einstellungen/startklar/` (1 organisation)")}
{line("page", "`/verwaltung/betrieb/` (418 computed, 50 shown)")}
{line("filtered", "`?state=preparing&missing=recipient`")}
{line("csv", "CSV download (all rows)")}

- **Operator page p95 {p95:.1f} ms — target ≤ 300 ms {"met" if p95 <= 300 else "NOT met"}.** Page / baseline
  (p50) = {statistics.median(times["page"]) / base:.2f}×, CSV / baseline = {statistics.median(times["csv"]) / base:.2f}×.
  The query count is the same for any number of organisations (one per check plus the list;
  tests/organisations/test_readiness_pages.py checks it with 2 and 120 more).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="measurements of each request")
    parser.add_argument(
        "--no-write", action="store_true", help="print only, do not update docs/benchmarks.md"
    )
    args = parser.parse_args()
    start_load = load()
    db = setup_django()
    ensure_database(db)
    count = prepare()
    times, queries = measure(args.rounds)
    text = markdown(args, count, times, queries, start_load)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
