"""The statistics and open-data pages in Chromium: no serious axe-core issues, charts readable as images
with their tables, everything without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from interfaces.opendata.export import export_opendata
from tests.factories import DRESDEN, LEIPZIG, make_report, set_status
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(settings, tmp_path):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    set_status(make_report(lonlat=DRESDEN).report, "resolved")
    make_report(lonlat=LEIPZIG, category="strassenlaterne")
    export_opendata(day=dt.date(2026, 12, 4))


def _scan(page, url: str) -> None:
    page.goto(url)
    violations = axe_serious(page)
    assert violations == [], violations


def test_statistics_and_download_pages_pass_axe(page, site, figures):
    _scan(page, site + "/statistik/")
    expect(page.get_by_role("img", name="Meldungen je Kategorie")).to_be_visible()
    expect(page.get_by_role("table", name="Landkreise und kreisfreie Städte im Vergleich")).to_be_visible()
    page.get_by_role("link", name="Dresden").first.click()
    expect(page.get_by_role("heading", name="Statistik: Dresden")).to_be_visible()
    assert axe_serious(page) == []
    _scan(page, site + "/statistik/gemeinden/14713000/")
    _scan(page, site + "/opendata/")
    expect(page.get_by_role("link", name="GPKG").first).to_be_visible()


def test_statistics_page_without_javascript(browser, site, figures):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/statistik/")
    expect(page.get_by_role("img", name="Eingegangene und erledigte Meldungen je Monat")).to_be_visible()
    expect(page.get_by_role("table", name="Nach Kategorie")).to_contain_text("Schlagloch")
    context.close()
