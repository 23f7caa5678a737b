"""The daily escalation digest's section of overdue hand-offs (issue 30.6 with 30.4).

Its own module, registered from ``ReportsConfig.ready``: the digest (``domains.reports.escalation``) knows
nothing of hand-offs, it only asks its registered providers; this one reads ``handoffs_overdue``.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from domains.reports.escalation import MAX_ROWS, Row, Section, site_url, staff_report_url
from domains.reports.handoffs.selectors import handoffs_overdue
from kernel.organisations.models import Organisation


def overdue_handoffs_section(organisation: Organisation, now: dt.datetime) -> Section | None:
    """Hand-offs of ``organisation`` past their date on a case still open and still its own, oldest date
    first. ``days_over`` counts from the hand-off's date, so the second level sees them too."""
    today = timezone.localtime(now).date()
    qs = handoffs_overdue(organisation).filter(due__lt=today)
    total = qs.count()
    if not total:
        return None
    rows = []
    for handoff in qs[:MAX_ROWS]:
        days = (today - handoff.due).days
        report = handoff.report
        text = (
            f"{report.category.name} – extern bei {handoff.name} seit {timezone.localtime(handoff.created):%d.%m.%Y}, "
            f"zu erledigen bis {handoff.due:%d.%m.%Y}, {days} Tag(e) überfällig"
        )
        rows.append(Row(report.public_id, text, staff_report_url(report.public_id), days))
    return Section(
        "handoffs",
        "Überfällige Übergaben an Externe",
        total,
        rows,
        site_url(reverse("staff:handoffs") + "?ueberfaellig=1"),
    )
