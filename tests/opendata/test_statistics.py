"""Statistics (/statistik/): figures computed in SQL per scope, the pages with SVG charts and tables,
CSV per table, caching per scope, 404 for unknown keys."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domains.reports.models import Report, StatusChange
from domains.reports.statistics import cache_key, compute_statistics, scope_statistics
from kernel.boundaries.models import Commune
from tests.factories import DRESDEN, LEIPZIG, make_report, set_status

pytestmark = pytest.mark.django_db


def _resolved_after(days: int, *, deadline_days: int = 14, category: str = "schlagloch") -> Report:
    """A Dresden report created ``days`` ago and resolved now (its deadline ``deadline_days`` after creation)."""
    report = make_report(lonlat=DRESDEN, category=category).report
    set_status(report, "resolved")
    created = timezone.now() - dt.timedelta(days=days)
    Report.objects.filter(pk=report.pk).update(
        created=created, due=created + dt.timedelta(days=deadline_days)
    )
    return report


@pytest.fixture
def reports():
    resolved = [_resolved_after(10), _resolved_after(2), _resolved_after(30, category="strassenlaterne")]
    still_open = make_report(lonlat=DRESDEN).report
    leipzig = make_report(lonlat=LEIPZIG).report
    return resolved, still_open, leipzig


def test_commune_figures_median_p90_deadline_share(reports):
    stats = compute_statistics("commune", "14612000")
    f = stats.summary
    assert (f.total, f.open, f.resolved) == (4, 1, 3)
    assert f.median_days == pytest.approx(10, abs=0.01)
    assert f.p90_days == pytest.approx(26, abs=0.01)  # percentile_cont(0.9) of 2, 10, 30
    assert f.in_deadline == 2 and f.in_deadline_share == pytest.approx(2 / 3)
    assert f.per_1000 is None  # population unknown
    categories = {row.key: row.figures for row in stats.categories}
    assert categories["schlagloch"].total == 3 and categories["strassenlaterne"].median_days == pytest.approx(
        30
    )
    this_month = stats.months[-1]
    assert this_month.month == timezone.localdate().replace(day=1)
    assert this_month.resolved == 3 and len(stats.months) == 24


def test_reports_without_due_use_the_category_deadline(reports):
    resolved, _open, _leipzig = reports
    Report.objects.filter(pk=resolved[2].pk).update(due=None)  # strassenlaterne: default deadline
    default = resolved[2].category.default_sla_days
    assert compute_statistics("commune", "14612000").summary.in_deadline == (3 if 30 <= default else 2)


def test_reopened_report_counts_from_its_latest_resolution(reports):
    resolved, _open, _leipzig = reports
    StatusChange.objects.filter(report=resolved[0], to_status="resolved").update(
        created=timezone.now() - dt.timedelta(days=5)
    )
    set_status(Report.objects.get(pk=resolved[0].pk), "in_progress")
    reopened = compute_statistics("commune", "14612000").summary
    assert (reopened.open, reopened.resolved) == (2, 2) and reopened.median_days == pytest.approx(
        16, abs=0.01
    )
    set_status(Report.objects.get(pk=resolved[0].pk), "resolved")
    again = compute_statistics("commune", "14612000").summary
    assert again.resolved == 3 and again.median_days == pytest.approx(10, abs=0.01)  # not 5: the latest move


def test_per_1000_inhabitants_when_population_is_known(reports):
    Commune.objects.filter(ags="14612000").update(population=500_000)
    stats = compute_statistics("district", "14612")
    assert stats.summary.per_1000 == pytest.approx(4 * 1000 / 500_000)
    assert [row.label for row in stats.areas] == ["Dresden"]
    state = compute_statistics("state")
    assert state.summary.total == 5 and state.summary.per_1000 is None  # not every commune known
    assert state.summary.median_days == pytest.approx(10, abs=0.01) and state.summary.in_deadline == 2
    districts = {row.key: row.figures for row in state.areas}
    assert districts["14612"].per_1000 == pytest.approx(0.008) and districts["14713"].total == 1


def test_figures_are_cached_per_scope(reports):
    first = scope_statistics("commune", "14612000")
    with CaptureQueriesContext(connection) as queries:
        assert scope_statistics("commune", "14612000") is not None
    # Without REDIS_URL the cache itself is a table (config.env.caches_from_env): its one read is allowed,
    # a statistics query is not.
    assert [q["sql"] for q in queries if "django_cache" not in q["sql"]] == []
    make_report(lonlat=DRESDEN)
    assert scope_statistics("commune", "14612000").summary.total == first.summary.total  # until the TTL
    assert scope_statistics("commune", "14713000").summary.total == 1


def test_state_page_has_accessible_charts_beside_tables(client, reports):
    response = client.get("/statistik/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 3 and html.count("<title id=") == 3 and html.count("<desc id=") == 3
    assert html.count("<caption>") == 4 and 'href="vergleich.csv"' in html
    assert "<script" not in html.split('<main id="inhalt"')[1].split("</main>")[0]
    assert 'href="/statistik/14612/"' in html
    assert 'width="300.0"' in html or 'width="300' in html  # the longest bar, coordinates not localised
    assert "," not in html.split('viewBox="')[1].split('"')[0]


def test_district_and_commune_pages(client, reports):
    district = client.get("/statistik/14612/")
    assert district.status_code == 200 and "Gemeinden im Vergleich" in district.content.decode()
    assert 'href="/statistik/gemeinden/14612000/"' in district.content.decode()
    commune = client.get("/statistik/gemeinden/14612000/")
    assert commune.status_code == 200
    assert "Gemeinden im Vergleich" not in commune.content.decode()
    for missing in ("/statistik/99999/", "/statistik/gemeinden/14999999/", "/statistik/gemeinden/14612000/vergleich.csv",
                    "/statistik/nichts.csv", "/statistik/1461/"):  # fmt: skip
        assert client.get(missing).status_code == 404, missing


def test_csv_per_table(client, reports):
    response = client.get("/statistik/gemeinden/14612000/kategorien.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0][:4] == ["Kategorie", "Schlüssel", "Meldungen", "Offen"]
    schlagloch = next(r for r in rows if r[1] == "schlagloch")
    assert schlagloch[2:5] == ["3", "1", "2"]
    months = list(csv.reader(io.StringIO(client.get("/statistik/monate.csv").content.decode())))
    assert len(months) == 25 and months[-1][0] == timezone.localdate().strftime("%Y-%m")
    comparison = list(csv.reader(io.StringIO(client.get("/statistik/vergleich.csv").content.decode())))
    assert {r[1] for r in comparison[1:]} == {"14612", "14713"}
    summary = list(csv.reader(io.StringIO(client.get("/statistik/14612/kennzahlen.csv").content.decode())))
    assert ["Median Tage bis erledigt", "10.0"] in summary


def test_stale_figures_are_served_while_another_request_refreshes(reports, settings, monkeypatch):
    settings.STATISTICS_CACHE_SECONDS = 60
    first = scope_statistics("commune", "14612000")
    make_report(lonlat=DRESDEN)
    later = time.time() + 61  # the entry has gone stale
    monkeypatch.setattr("domains.reports.statistics.time.time", lambda: later)
    cache.add(cache_key("commune", "14612000") + ":lock", 1, 60)  # someone else is refreshing
    assert scope_statistics("commune", "14612000").summary.total == first.summary.total
    cache.delete(cache_key("commune", "14612000") + ":lock")
    assert scope_statistics("commune", "14612000").summary.total == first.summary.total + 1
    assert cache.get(cache_key("commune", "14612000") + ":lock") is None
