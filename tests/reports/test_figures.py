"""Status changes through the service, and the commune figures built on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from geo.errors import NotFound
from geo.workflow import IllegalTransition
from reports.models import Report, StatusChange
from reports.selectors import commune_figures
from reports.services import report_change_status
from reports.workflow import ReportStatus
from tests.factories import LEIPZIG, make_report

pytestmark = pytest.mark.django_db

DRESDEN_AGS = "14612000"


def test_status_change_records_history_with_public_note():
    report = make_report().report
    report_change_status(
        public_id=report.public_id, to_status="in_progress", public_note="Bauhof ist informiert"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_PROGRESS
    last = StatusChange.objects.filter(report=report).latest("id")
    assert (last.from_status, last.to_status, last.public_note) == (
        "submitted",
        "in_progress",
        "Bauhof ist informiert",
    )


def test_illegal_status_change_is_refused_and_changes_nothing():
    report = make_report().report
    report_change_status(public_id=report.public_id, to_status="resolved")
    with pytest.raises(IllegalTransition):
        report_change_status(public_id=report.public_id, to_status="rejected")
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED
    assert StatusChange.objects.filter(report=report).count() == 2


def test_status_change_of_unknown_report_is_not_found():
    with pytest.raises(NotFound):
        report_change_status(public_id="SN-0000-00", to_status="resolved")


def _resolved_after(days: float) -> Report:
    report = make_report().report
    Report.objects.filter(pk=report.pk).update(created=timezone.now() - dt.timedelta(days=days))
    report_change_status(public_id=report.public_id, to_status="resolved")
    return report


def test_commune_figures_count_open_and_resolved_and_the_median_days():
    for days in (2, 4, 9):
        _resolved_after(days)
    make_report()  # open
    in_progress = make_report().report
    report_change_status(public_id=in_progress.public_id, to_status="in_progress")
    make_report(lonlat=LEIPZIG)  # another commune: not counted

    figures = commune_figures(DRESDEN_AGS)
    assert figures.year == timezone.localdate().year
    assert (figures.open, figures.resolved, figures.resolved_this_year) == (2, 3, 3)
    assert figures.median_days_this_year == pytest.approx(4, abs=0.01)


def test_reopened_report_and_earlier_years_do_not_count_as_resolved_this_year():
    reopened = _resolved_after(3)
    report_change_status(public_id=reopened.public_id, to_status="in_progress")
    _resolved_after(5)
    figures = commune_figures(DRESDEN_AGS)
    assert (figures.open, figures.resolved_this_year) == (1, 1)
    assert figures.median_days_this_year == pytest.approx(5, abs=0.01)
    assert commune_figures(DRESDEN_AGS, year=2000).resolved_this_year == 0


def test_commune_without_reports_has_zero_counts_and_no_median():
    figures = commune_figures("14522180")
    assert (figures.open, figures.resolved, figures.resolved_this_year) == (0, 0, 0)
    assert figures.median_days_this_year is None
