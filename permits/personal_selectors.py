"""Reads for requests of a person about their applications (Art. 15 DSGVO): permits and parking permits
carrying their e-mail address, and what is stored about each. ``organisation_ids`` limits it to those
organisations' cases (an organisation admin's page); ``None`` means every organisation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from permits.models import ParkingPermit, Permit
from permits.payments import fee_claim_of, payment_summary


def _scoped(queryset: QuerySet, organisation_ids: Iterable[int] | None) -> QuerySet:
    if organisation_ids is not None:
        queryset = queryset.filter(organisation_id__in=list(organisation_ids))
    return queryset.select_related("organisation", "commune").order_by("created", "pk")


def permits_of_person(email: str, *, organisation_ids: Iterable[int] | None = None) -> QuerySet[Permit]:
    return _scoped(
        Permit.objects.filter(applicant_email__iexact=email.strip()).select_related("kind"), organisation_ids
    )


def parking_of_person(
    email: str, *, organisation_ids: Iterable[int] | None = None
) -> QuerySet[ParkingPermit]:
    return _scoped(
        ParkingPermit.objects.filter(applicant_email__iexact=email.strip()).select_related("zone"),
        organisation_ids,
    )


def _notices_and_payment(case: Permit | ParkingPermit) -> dict[str, Any]:
    """The written notices (they name the person; the PDFs themselves are on the tracking page) and the
    fee with its payment state."""
    return {
        "notices": [
            {"kind": str(n.get_kind_display()), "created": n.created.isoformat(), "sha256": n.sha256}
            for n in case.notices.order_by("pk")
        ],
        "payment": payment_summary(fee_claim_of(case)),
    }


def permit_personal_record(permit: Permit) -> dict[str, Any]:
    return {
        "type": "Sondernutzung",
        "public_id": permit.public_id,
        "organisation": permit.organisation.name,
        "commune": permit.commune.name,
        "created": permit.created.isoformat(),
        "status": permit.get_status_display(),
        "kind": permit.kind.name,
        "start": permit.start.isoformat(),
        "end": permit.end.isoformat(),
        "description": permit.description,
        "fee_total": str(permit.fee_total),
        "applicant_name": permit.applicant_name,
        "applicant_organisation": permit.applicant_organisation,
        "applicant_email": permit.applicant_email,
        "applicant_phone": permit.applicant_phone,
        "applicant_address": permit.applicant_address,
        "attachments": [a.original_name for a in permit.attachments.all()],
        **_notices_and_payment(permit),
        "purpose": "Prüfung und Entscheidung des Antrags, Gebührenerhebung",
    }


def parking_personal_record(permit: ParkingPermit) -> dict[str, Any]:
    return {
        "type": "Bewohnerparkausweis",
        "public_id": permit.public_id,
        "organisation": permit.organisation.name,
        "commune": permit.commune.name,
        "created": permit.created.isoformat(),
        "status": permit.get_status_display(),
        "zone": permit.zone.name,
        "licence_plate": permit.licence_plate,
        "applicant_name": permit.applicant_name,
        "applicant_email": permit.applicant_email,
        "applicant_address": permit.applicant_address,
        "nearest_address": permit.nearest_address,  # near the residence
        "permit_number": permit.permit_number,
        "valid_from": permit.valid_from.isoformat() if permit.valid_from else None,
        "valid_until": permit.valid_until.isoformat() if permit.valid_until else None,
        **_notices_and_payment(permit),
        "purpose": "Prüfung des Antrags und Ausstellung des Parkausweises",
    }
