"""report_create and friends: one transaction, no files left behind, public ids, workflow rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from domains.reports import services
from domains.reports.models import Report, ReportPhoto, StatusChange
from domains.reports.workflow import REPORT_WORKFLOW, ReportStatus
from kernel.cases.workflow import IllegalTransition
from tests.factories import make_report, photo

pytestmark = pytest.mark.django_db


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_failure_after_files_were_written_removes_them_and_stores_nothing(monkeypatch):
    real_create = ReportPhoto.objects.create
    calls = {"n": 0}

    def fail_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(ReportPhoto.objects, "create", fail_on_second)
    with pytest.raises(RuntimeError, match="disk full"):
        make_report(photos=[photo("a.jpg"), photo("b.jpg")])
    assert Report.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert ReportPhoto.objects.count() == 0
    assert media_files() == []


# Public ids and tracking tokens of every case type: tests/cases/test_kernel.py.


def test_workflow_allows_documented_moves_and_refuses_others():
    assert REPORT_WORKFLOW.can(ReportStatus.SUBMITTED, ReportStatus.IN_REVIEW)
    assert REPORT_WORKFLOW.can(ReportStatus.RESOLVED, ReportStatus.IN_PROGRESS)  # reopen
    with pytest.raises(IllegalTransition) as info:
        REPORT_WORKFLOW.check(ReportStatus.RESOLVED, ReportStatus.SUBMITTED)
    assert info.value.status_code == 409
    assert "von „Erledigt“ auf „Eingegangen“" in info.value.message
    with pytest.raises(IllegalTransition):
        REPORT_WORKFLOW.check(ReportStatus.SUBMITTED, "kaputt")


@pytest.mark.parametrize(
    ("status", "open311"),
    [
        ("submitted", "open"),
        ("in_review", "open"),
        ("in_progress", "open"),
        ("resolved", "closed"),
        ("rejected", "closed"),
        ("not_responsible", "closed"),
        ("duplicate", "closed"),
    ],
)
def test_every_status_has_a_german_label_and_open311_mapping(status, open311):
    assert REPORT_WORKFLOW.open311_status(status) == open311
    assert REPORT_WORKFLOW.label(status) and REPORT_WORKFLOW.label(status) != status


def test_default_catalogue_is_idempotent():
    assert services.categories_load_defaults() == (0, 0)
