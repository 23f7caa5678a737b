"""The daily roll-up plus today's live changes gives exactly the figures of the all-live statement.

Random reports (two districts, every status, random categories, creation up to ~2 years back and around
the "last 365 days" boundary, resolution times and due dates), then the roll-up is built, then random
changes happen after the build — status moves with history, category corrections, deleted reports,
history notes, new reports, reports marked internal by staff and public again (the real write path,
``report_set_internal``), the „Rückfrage“ status with its paused and resumed deadline — and time passes (up to 30 hours, across the 365-day boundary). Both paths
must agree on every figure the page shows, to the last bit of the medians.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from domains.reports.models import Category, Report, StatusChange
from domains.reports.services.visibility import report_set_internal
from domains.reports.statistics import compute_statistics
from domains.reports.statistics_rollup import percentile_cont, statistics_rollup_build
from kernel.organisations.services import membership_set
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db

STATUSES = [
    "submitted",
    "in_review",
    "in_progress",
    "inquiry",
    "resolved",
    "rejected",
    "not_responsible",
    "duplicate",
]
YEAR_H = 365 * 24
created_hours = st.one_of(st.integers(1, 800 * 24), st.integers(YEAR_H - 30, YEAR_H + 30))
report_spec = st.tuples(
    st.integers(0, 1),  # Dresden or Leipzig
    st.sampled_from(STATUSES),
    st.integers(0, 50),  # category (modulo the number of categories)
    created_hours,  # hours before the build
    st.integers(0, 90 * 24),  # hours from creation to resolution (resolved ones)
    st.one_of(st.none(), st.integers(1, 40)),  # due, days after creation
    st.booleans(),  # internal (staff's "intern": never in any public figure)
)
change_spec = st.tuples(
    st.integers(0, 10_000),  # which report (modulo)
    st.sampled_from(
        ["status", "resolve", "category", "delete", "note", "new", "internal", "public", "ask", "resume"]
    ),
    st.sampled_from(STATUSES),
    st.integers(0, 50),
)


@pytest.fixture
def templates():
    return [make_report(lonlat=DRESDEN).report.pk, make_report(lonlat=LEIPZIG).report.pk]


@pytest.fixture
def managers(templates) -> dict[int, object]:
    """A caseworker of each template's organisation, who may mark its reports internal."""
    from django.contrib.auth import get_user_model

    made = {}
    for pk in templates:
        organisation = Report.objects.get(pk=pk).organisation
        username = f"sb-{organisation.pk}"
        made[organisation.pk] = get_user_model().objects.create_user(username=username, password="x" * 12)
        membership_set(actor=None, organisation=organisation, username=username, role="caseworker")
    return made


def _insert(templates, specs, *, at: dt.datetime, offset: int) -> list[Report]:
    """Copies of the two real reports with the random fields (test data written directly, for speed)."""
    categories = list(Category.objects.order_by("pk"))
    made = []
    for i, (area, status, category, hours, resolve_h, due_days, internal) in enumerate(specs):
        report = Report.objects.get(pk=templates[area])
        report.pk = None
        report.public_id = f"SN-T{offset + i:06d}"
        report.status = status
        report.category = categories[category % len(categories)]
        report.created = at - dt.timedelta(hours=hours, minutes=i % 60)
        report.due = None if due_days is None else report.created + dt.timedelta(days=due_days)
        report.internal = internal
        report.clock_paused_since = report.created if status == "inquiry" else None
        report.save()
        if status == "resolved":
            StatusChange.objects.create(
                report=report,
                from_status="in_progress",
                to_status="resolved",
                created=min(at, report.created + dt.timedelta(hours=resolve_h)),
            )
        made.append(report)
    return made


def _staff_change(
    managers, report: Report, kind: str, status: str, category: int, *, at: dt.datetime
) -> None:
    """Internal and back (staff's one write path of the flag), into „Rückfrage“ and out of it."""
    if kind in ("internal", "public"):  # history, audit, tile counts: the real service
        report_set_internal(
            actor=managers[report.organisation_id], public_id=report.public_id, internal=kind == "internal"
        )
    elif kind == "ask":  # into „Rückfrage“: the clock stops
        Report.objects.filter(pk=report.pk).update(status="inquiry", clock_paused_since=at)
        StatusChange.objects.create(report=report, from_status=report.status, to_status="inquiry", created=at)
    else:  # out of it: the deadline moves on by the paused time
        current = Report.objects.get(pk=report.pk)
        if current.status != "inquiry":
            return
        due = None if current.due is None else current.due + dt.timedelta(days=1 + category % 5)
        Report.objects.filter(pk=report.pk).update(status=status, clock_paused_since=None, due=due)
        StatusChange.objects.create(report=report, from_status="inquiry", to_status=status, created=at)


def _change(templates, managers, reports: list[Report], change, *, at: dt.datetime, offset: int) -> None:
    pick, kind, status, category = change
    report = reports[pick % len(reports)]
    if not Report.objects.filter(pk=report.pk).exists():
        return
    categories = list(Category.objects.order_by("pk"))
    if kind == "status":
        Report.objects.filter(pk=report.pk).update(status=status)
        StatusChange.objects.create(report=report, from_status=report.status, to_status=status, created=at)
    elif kind == "resolve":
        Report.objects.filter(pk=report.pk).update(status="resolved")
        StatusChange.objects.create(
            report=report, from_status=report.status, to_status="resolved", created=at
        )
    elif kind == "category":
        Report.objects.filter(pk=report.pk).update(category=categories[category % len(categories)])
    elif kind == "delete" and report.pk not in templates:  # the templates are copied by "new"
        report.delete()
    elif kind == "note":  # a note on the report: a history row from == to, the report row unchanged
        StatusChange.objects.create(report=report, from_status="resolved", to_status="resolved", created=at)
    elif kind in ("internal", "public", "ask", "resume"):
        _staff_change(managers, report, kind, status, category, at=at)
    else:
        _insert(templates, [(pick % 2, status, category, 0, 5, None, pick % 3 == 0)], at=at, offset=offset)


def _figures(stats) -> dict:
    data = dataclasses.asdict(stats)
    data.pop("computed")
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(report_spec, min_size=0, max_size=25),
    changes=st.lists(change_spec, max_size=12),
    later_hours=st.integers(0, 30),
)
def test_rollup_plus_live_equals_live(templates, managers, specs, changes, later_hours):
    note(f"specs={specs!r} changes={changes!r} later_hours={later_hours!r}")
    with transaction.atomic():
        built = timezone.now()
        reports = _insert(templates, specs, at=built, offset=0) + list(
            Report.objects.filter(pk__in=templates)
        )
        statistics_rollup_build(now=built)
        now = built + dt.timedelta(hours=later_hours)
        for n, change in enumerate(changes):
            _change(
                templates, managers, reports, change, at=built + dt.timedelta(minutes=n + 1), offset=1000 + n
            )
        live = compute_statistics("state", now=now, rollup=False)
        rolled = compute_statistics("state", now=now, rollup=True)
        expected, got = _figures(live), _figures(rolled)
        for part in ("summary", "categories", "areas", "months"):  # one part at a time: a readable diff
            assert (part, got[part]) == (part, expected[part])
        assert got == expected
        transaction.set_rollback(True)


def test_without_a_build_the_state_is_live_and_the_build_uses_the_rollup(templates):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_statistics_rollup_state")
        assert cursor.fetchone()[0] == 0
    result = statistics_rollup_build()
    assert result["rows"] >= 1 and result["max_report_id"] == max(templates)
    make_report(lonlat=DRESDEN)  # after the build: counted live
    assert (
        compute_statistics("state").summary.total
        == 3
        == compute_statistics("state", rollup=False).summary.total
    )


def test_the_daily_job_is_registered():
    from kernel.notifications.daily import daily_jobs

    assert "statistics_rollup" in daily_jobs()


@given(st.lists(st.integers(0, 400), min_size=1, max_size=60), st.sampled_from([0.5, 0.9]))
def test_percentile_from_the_histogram_is_postgres_percentile_cont(values, fraction):
    histogram = sorted({v: values.count(v) for v in values}.items())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY v::float8) FROM unnest(%s::int[]) v",
            [fraction, values],
        )
        assert percentile_cont(histogram, fraction) == cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_rollups_copy_of_a_changed_report_holds_nothing_personal():
    """The trigger keeps a changed report's old row for the statistics; the reporter's name, address,
    phone, texts and place must not be in it (they would survive the erasure of the report's personal data)."""
    from django.db import connection

    from domains.reports.statistics_rollup import statistics_rollup_build
    from tests.factories import DRESDEN, make_report

    report = make_report(lonlat=DRESDEN, email="rita@example.org", name="Rita Rad").report
    statistics_rollup_build()
    Report.objects.filter(pk=report.pk).update(status="in_review", place="Hinterhof Nr. 3")
    with connection.cursor() as cur:
        cur.execute("SELECT old::text FROM reports_statistics_dirty WHERE report_id = %s", [report.pk])
        [(old,)] = cur.fetchall()
    for personal in ("rita@example.org", "Rita Rad", "Hinterhof", report.description):
        assert personal not in old
    assert '"status": "submitted"' in old and '"held_for_review": false' in old


def test_internal_reports_are_in_no_figure_of_the_rollup_before_or_after_the_build(templates, managers):
    """The equality above cannot see a public filter missing from both paths: count against the flag."""
    dresden, leipzig = (Report.objects.get(pk=pk) for pk in templates)
    manager = managers[dresden.organisation_id]
    report_set_internal(actor=manager, public_id=dresden.public_id, internal=True)
    statistics_rollup_build()
    hidden = make_report(lonlat=DRESDEN).report  # after the build: live
    report_set_internal(actor=manager, public_id=hidden.public_id, internal=True)

    def totals() -> tuple[int, int, int]:
        rolled, live = compute_statistics("state"), compute_statistics("state", rollup=False)
        assert _figures(rolled) == _figures(live)
        return rolled.summary.total, rolled.summary.open, Report.objects.filter(internal=False).count()

    assert totals() == (1, 1, 1)  # only Leipzig's
    report_set_internal(actor=manager, public_id=dresden.public_id, internal=False)  # in the roll-up's past
    assert totals() == (2, 2, 2)
    report_set_internal(actor=managers[leipzig.organisation_id], public_id=leipzig.public_id, internal=True)
    Report.objects.filter(pk=dresden.pk).update(status="inquiry")  # Rückfrage: still open
    assert totals() == (1, 1, 1)
