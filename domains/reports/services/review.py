"""Checked before publishing: which new reports are held back until staff release them, and the release.

A held report (``Report.held_for_review``) is outside ``PUBLIC_REPORTS``, so every public output — REST,
Open311, OGC API, tiles and their counts, feeds, open data, statistics — leaves it out without knowing
about this module. It is worked on by staff like any other report; the reporter's tracking link works.

Why held: the commune chose it for the category (``CommuneCategorySetting.review_before_publishing``, else
the catalogue's ``Category.review_before_publishing``), or the reporter's address is at a disposable-mail
domain. Reports have no e-mail confirmation of their own (the address only receives the receipt), so such
an address is always unconfirmed: throw-away addresses are how floods of abusive reports arrive. Staff
entering a report for a caller (phone, counter …) have looked already: never held.

The domain list is the ``disposable-email-domains`` package (the list maintained at
github.com/disposable-email-domains, CC0), updated with the requirements.
"""

from __future__ import annotations

from typing import Any

from disposable_email_domains import blocklist
from django.db import transaction

from domains.reports.models import STAFF_CHANNELS, Category, CommuneCategorySetting, Report
from domains.reports.notify import report_created
from domains.reports.tiles.counts import report_visibility_changed
from kernel.cases.history import record_note
from kernel.organisations.audit import audit
from kernel.organisations.scoping import get_visible, require_manager

# What the reporter is told (confirmation page, receipt mail, API and Open311 answers).
HELD_NOTICE = (
    "Ihre Meldung wird vor der Veröffentlichung geprüft. Bis zur Freigabe durch die Verwaltung ist sie "
    "nicht öffentlich sichtbar; bearbeitet wird sie trotzdem."
)
HELD_FOR_CATEGORY = "category"
HELD_FOR_DISPOSABLE = "disposable_email"
_REASONS = {
    HELD_FOR_CATEGORY: "Die Kategorie wird vor der Veröffentlichung geprüft.",
    HELD_FOR_DISPOSABLE: "Die E-Mail-Adresse gehört zu einem Wegwerf-Adressdienst.",
}


def is_disposable_email(email: str) -> bool:
    """Whether ``email``'s domain (or a parent domain of it) is a known disposable-mail domain."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    parts = domain.split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))


def category_reviewed(category: Category, ags: str) -> bool:
    """The commune's own choice for ``category`` if it made one, else the catalogue's default."""
    own = (
        CommuneCategorySetting.objects.filter(ags=ags, category=category)
        .values_list("review_before_publishing", flat=True)
        .first()
    )
    return category.review_before_publishing if own is None else own


def hold_reason(*, category: Category, ags: str, email: str, channel: str) -> str:
    """Why a new report is held back ("" if it is published at once); one of the ``HELD_FOR_*`` codes."""
    if channel in STAFF_CHANNELS:
        return ""
    if category_reviewed(category, ags):
        return HELD_FOR_CATEGORY
    if email and is_disposable_email(email):
        return HELD_FOR_DISPOSABLE
    return ""


def hold_note(reason: str) -> str:
    """The internal history entry of a held report's creation."""
    return f"Wartet auf Freigabe vor der Veröffentlichung. {_REASONS[reason]}"


def report_release(*, actor: Any, public_id: str) -> Report:
    """Release a held report: from now on it is public everywhere (counts and tiles included).

    Admins and caseworkers of the report's organisation (crews: ``Forbidden``; outside the scope:
    ``NotFound``). Releasing a report that is not held changes nothing and is no error (a form sent twice).
    Internal history entry, audit event; the immediate area alerts go out now, as the public learns of the
    report only now."""
    with transaction.atomic():
        visible = get_visible(actor, Report.objects.all(), public_id=public_id)
        report = (
            Report.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=visible.pk)
        )
        require_manager(actor, report)
        if not report.held_for_review:
            return report
        report.held_for_review = False
        report.save(update_fields=["held_for_review", "updated"])
        summary = "Zur Veröffentlichung freigegeben"
        record_note(report, actor, "", summary)
        audit(
            actor=actor,
            action="report.release",
            obj=report,
            organisation=report.organisation_id,
            summary=summary,
        )
        if report.is_public:  # an internal report stays out of every public output
            report_visibility_changed(report)
            report_created.send(sender=Report, report=report)  # subscriptions: immediate area alerts
    return report
