"""The commune figures (open, resolved, median days to resolve this year)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.models import Report
from domains.reports.selectors import commune_figures
from tests.factories import LEIPZIG, make_report, set_status

pytestmark = pytest.mark.django_db

DRESDEN_AGS = "14612000"


def _resolved_after(days: float) -> Report:
    report = make_report().report
    Report.objects.filter(pk=report.pk).update(created=timezone.now() - dt.timedelta(days=days))
    set_status(report, "resolved")
    return report


def test_commune_figures_count_open_and_resolved_and_the_median_days():
    for days in (2, 4, 9):
        _resolved_after(days)
    make_report()  # open
    in_progress = make_report().report
    set_status(in_progress, "in_progress")
    make_report(lonlat=LEIPZIG)  # another commune: not counted

    figures = commune_figures(DRESDEN_AGS)
    assert figures.year == timezone.localdate().year
    assert (figures.open, figures.resolved, figures.resolved_this_year) == (2, 3, 3)
    assert figures.median_days_this_year == pytest.approx(4, abs=0.01)


def test_reopened_report_and_earlier_years_do_not_count_as_resolved_this_year():
    reopened = _resolved_after(3)
    set_status(reopened, "in_progress")
    _resolved_after(5)
    figures = commune_figures(DRESDEN_AGS)
    assert (figures.open, figures.resolved_this_year) == (1, 1)
    assert figures.median_days_this_year == pytest.approx(5, abs=0.01)
    assert commune_figures(DRESDEN_AGS, year=2000).resolved_this_year == 0


def test_commune_without_reports_has_zero_counts_and_no_median():
    figures = commune_figures("14522180")
    assert (figures.open, figures.resolved, figures.resolved_this_year) == (0, 0, 0)
    assert figures.median_days_this_year is None
