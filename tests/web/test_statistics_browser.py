"""/statistik/ in Chromium (issue 26): at 1280 px no table is cut off (each fits its box without a
scrollbar), chart labels are readable (at least 12 px on screen, also at 360 px) and no chart draws an
empty bar (areas without a resolved report are in the table, not a zero-width bar)."""

from __future__ import annotations

import pytest

from tests.factories import DRESDEN, LEIPZIG, make_report, set_status
from tests.web.conftest import new_context

pytestmark = pytest.mark.browser

MEASURE = """() => ({
  cut: [...document.querySelectorAll('.stat-table')].filter(t => t.scrollWidth > t.clientWidth + 1).length,
  smallest: Math.min(...[...document.querySelectorAll('.chart text')].map(t => {
    const svg = t.ownerSVGElement;  // font size in user units × how much the viewBox is scaled on screen
    return parseFloat(getComputedStyle(t).fontSize) * svg.clientWidth / svg.viewBox.baseVal.width;
  })),
  empty: [...document.querySelectorAll('.chart rect.chart__bar')].filter(r => Number(r.getAttribute('width')) <= 0).length,
})"""


@pytest.fixture
def figures(site):
    resolved = make_report(lonlat=DRESDEN).report
    set_status(resolved, "resolved")
    make_report(lonlat=LEIPZIG)  # Leipzig: no resolved report, so no median to draw
    return site


@pytest.mark.parametrize("width", [1280, 360])
def test_statistics_tables_fit_and_charts_are_readable(browser, figures, width):
    context = new_context(browser, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(figures + "/statistik/")
        page.get_by_role("table", name="Landkreise und kreisfreie Städte im Vergleich").wait_for()
        measured = page.evaluate(MEASURE)
        if width >= 1280:
            assert measured["cut"] == 0, measured
        assert measured["smallest"] >= 12, measured
        assert measured["empty"] == 0, measured
    finally:
        context.close()
