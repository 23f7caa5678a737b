"""Reads for requests of a person about their reports (Art. 15 DSGVO): which reports carry their e-mail
address, and what is stored about each. ``organisation_ids`` limits it to the cases of those
organisations (an organisation admin's page); ``None`` means every organisation (the platform command)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from reports.models import Report


def reports_of_person(email: str, *, organisation_ids: Iterable[int] | None = None) -> QuerySet[Report]:
    reports = Report.objects.filter(reporter_email__iexact=email.strip())
    if organisation_ids is not None:
        reports = reports.filter(organisation_id__in=list(organisation_ids))
    return reports.select_related("category", "commune", "organisation").order_by("created", "pk")


def report_personal_record(report: Report) -> dict[str, Any]:
    """Everything stored about the report that concerns its reporter, for the export (JSON)."""
    return {
        "type": "Mängelmeldung",
        "public_id": report.public_id,
        "organisation": report.organisation.name,
        "commune": report.commune.name,
        "created": report.created.isoformat(),
        "status": report.get_status_display(),
        "category": report.category.name,
        "place": report.place,
        "description": report.description,
        "reporter_name": report.reporter_name,
        "reporter_email": report.reporter_email,
        "reporter_phone": report.reporter_phone,
        "photos": report.photos.count(),
        "purpose": "Bearbeitung der Meldung, Nachrichten zum Bearbeitungsstand, Rückfragen",
    }
