"""A report's deadline: which rule applies (the commune's own or the catalogue's) and the due moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from domains.reports.models import Category, CommuneCategorySetting, Report
from domains.reports.workflow import REPORT_WORKFLOW
from kernel.cases.deadlines import DeadlineUnit, due_after_pause, due_from


@dataclass(frozen=True)
class DeadlineRule:
    """``days`` counted in ``unit`` (a :class:`DeadlineUnit` value)."""

    days: int
    unit: str

    @property
    def label(self) -> str:
        """German, for staff pages and audit lines: "3 Arbeitstage", "14 Kalendertage"."""
        if self.days == 1:
            return "1 Arbeitstag" if self.unit == DeadlineUnit.WORKING else "1 Kalendertag"
        return f"{self.days} {DeadlineUnit(self.unit).label}"


def deadline_rule(category: Category, ags: str) -> DeadlineRule:
    """The commune's own deadline for the category if it set one, else the catalogue's default."""
    setting = CommuneCategorySetting.objects.filter(ags=ags, category=category).first()
    if setting is not None and setting.sla_days:
        return DeadlineRule(setting.sla_days, setting.sla_unit)
    return DeadlineRule(category.default_sla_days, category.default_sla_unit)


def report_due(category: Category, ags: str, created: dt.datetime) -> dt.datetime:
    """When a report of ``category`` in the commune ``ags`` made at ``created`` is due (end of day, Berlin)."""
    rule = deadline_rule(category, ags)
    return due_from(created, rule.days, rule.unit)


def report_due_after_pause(
    report: Report, *, paused_from: dt.datetime, paused_until: dt.datetime
) -> dt.datetime | None:
    """The report's deadline pushed back by a Rückfrage pause, counted in the unit of its category's rule
    (the caller stores it with the status change that ends the pause)."""
    rule = deadline_rule(report.category, report.commune.ags)
    return due_after_pause(report.due, paused_from=paused_from, paused_until=paused_until, unit=rule.unit)


def report_is_overdue(report: Report, *, now: dt.datetime | None = None) -> bool:
    """Open, its clock running (not waiting in „Rückfrage“) and past its deadline: the same rule as the
    queue's ``overdue_condition`` for one report."""
    if report.due is None or not REPORT_WORKFLOW.is_open(report.status) or report.clock_paused_since:
        return False
    return report.due < (now or timezone.now())


def public_deadline(report: Report) -> dict[str, Any] | None:
    """What the citizen pages show about the deadline: the due moment and whether it passed; nothing once
    the report is closed (resolved, rejected …) or when it never had one."""
    if report.due is None or not REPORT_WORKFLOW.is_open(report.status):
        return None
    return {"due": report.due, "overdue": report_is_overdue(report)}
