"""Personal data held by ``permits``, in one place: the reads for a person's request (Art. 15 DSGVO),
erasure on request (Art. 17) and after the retention period (Art. 5(1)(e)).

Reads for requests of a person about their applications (Art. 15 DSGVO): permits and parking permits
carrying their e-mail address, and what is stored about each. ``organisation_ids`` limits it to those
organisations' cases (an organisation admin's page); ``None`` means every organisation.

Personal data of permit applications: erased when the retention period is over (DSGVO Art. 5(1)(e)),
erased on request (Art. 17); the reads for a request are in ``domains.permits.personal_data``.

* Sondernutzung: applicant name, firm, e-mail, phone, address, the attachments and the written notices
  (rows and files; the notices' hashes stay in the audit log) go
  ``Organisation.retention_permit_years`` (default 6: fee records) after the permit's end. Kind, area,
  period, fee and status history stay — the approved ones are public.
* Bewohnerparkausweis: plate, name, e-mail, address and the residence point (moved to a point of its
  zone) and the notices (Bescheid, Gebührenbescheid, Parkausweis) go ``retention_parking_years``
  (default 1) after ``valid_until``; a rejected or withdrawn application, and an approved one that was
  never paid (so never valid), that long after the decision (the status history says when).

Erasing uses ``QuerySet.update`` (``updated`` stays, public output does not change); files are deleted
only after the transaction commits. Each erasure is audited with the field names, never the values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery

from domains.permits.models import Notice, ParkingPermit, ParkingPermitStatusChange, Permit, PermitAttachment
from domains.permits.payment_state import fee_claim_of, payment_summary
from domains.permits.workflow import PERMIT_WORKFLOW, PermitStatus
from kernel.notifications.personal_data import mails_about_erase
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation


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


PERMIT_FIELDS = (
    "applicant_name",
    "applicant_organisation",
    "applicant_email",
    "applicant_phone",
    "applicant_address",
)
PARKING_FIELDS = (
    "licence_plate",
    "applicant_name",
    "applicant_email",
    "applicant_address",
    "nearest_address",  # near the residence: personal here
    "nearest_address_id",
)
DECIDED_AGAINST = (PermitStatus.REJECTED, PermitStatus.WITHDRAWN)


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same calendar moment ``years`` earlier (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _per_organisation(field: str, lookup: str, cutoff: Any) -> Q | None:
    condition = None
    for years in Organisation.objects.values_list(field, flat=True).distinct():
        part = Q(**{f"organisation__{field}": years, lookup: cutoff(years)})
        condition = part if condition is None else condition | part
    return condition


def permits_applicant_due(*, moment: dt.datetime) -> QuerySet[Permit]:
    """Decided permits whose end lies the organisation's period back and that still hold applicant data
    or attachments."""
    due = _per_organisation("retention_permit_years", "end__lte", lambda years: years_before(moment, years))
    if due is None:
        return Permit.objects.none()
    has_data = Q(attachments__isnull=False) | Q(notices__isnull=False)
    for name in PERMIT_FIELDS:
        has_data |= Q(**{f"{name}__gt": ""})
    return Permit.objects.filter(due, has_data, status__in=PERMIT_WORKFLOW.closed).distinct().order_by("pk")


def _reason_text(reason: str) -> str:
    return "(Aufbewahrungsfrist abgelaufen)" if reason == "retention" else "(auf Anfrage, Art. 17 DSGVO)"


def _delete_with_files(rows: QuerySet) -> int:
    """Delete ``rows`` (attachments or notices) and, once the transaction commits, their stored files;
    returns how many rows there were."""
    found = list(rows.values_list("pk", "file"))
    rows.model.objects.filter(pk__in=[pk for pk, _ in found]).delete()
    names = [name for _, name in found if name]
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return len(found)


def permit_erase_applicant(*, permit_id: int, actor: Any = None, reason: str = "retention") -> list[str]:
    """Empty the applicant fields and delete the attachments; returns the erased field names (plus
    "attachments" if there were any)."""
    with transaction.atomic():
        permit = Permit.objects.select_for_update().filter(pk=permit_id).first()
        if permit is None:
            return []
        fields = [name for name in PERMIT_FIELDS if getattr(permit, name)]
        # Receipt, decisions with their notices, fee reminders: every mail to the applicant about it.
        mails = mails_about_erase(
            object_type=Permit.audit_name,
            object_id=permit.public_id,
            to=[permit.applicant_email],
            reason=reason,
        )
        if fields:
            Permit.objects.filter(pk=permit.pk).update(**dict.fromkeys(fields, ""))
        attachments = _delete_with_files(PermitAttachment.objects.filter(permit=permit))
        # The notices name the applicant: they go with the applicant data (their hashes stay audited).
        notices = _delete_with_files(Notice.objects.filter(permit=permit))
        if not fields and not attachments and not notices and not mails:
            return []
        audit(
            actor=actor,
            action="permit.personal_erased",
            obj=permit,
            organisation=permit.organisation_id,
            summary=f"Antragsdaten gelöscht {_reason_text(reason)}",
            fields=fields,
            attachments=attachments,
            notices=notices,
            mails=mails,
            reason=reason,
        )
    return fields + (["attachments"] if attachments else []) + (["notices"] if notices else [])


def _decided_at(statuses: tuple[str, ...] = DECIDED_AGAINST) -> Subquery:
    """When the application last moved into one of ``statuses`` (notes repeat the state: no decision)."""
    moves = ParkingPermitStatusChange.objects.filter(permit=OuterRef("pk"), to_status__in=statuses)
    moves = moves.exclude(from_status__in=statuses)
    return Subquery(moves.order_by("-created", "-id").values("created")[:1])


def parking_applicant_due(*, moment: dt.datetime) -> QuerySet[ParkingPermit]:
    """Parking permits past ``valid_until`` (approved) or past the decision (rejected, withdrawn) by the
    organisation's period that still hold a plate or applicant data."""
    expired = _per_organisation(
        "retention_parking_years", "valid_until__lt", lambda years: years_before(moment, years).date()
    )
    decided = _per_organisation(
        "retention_parking_years", "decided_at__lte", lambda years: years_before(moment, years)
    )
    if expired is None or decided is None:
        return ParkingPermit.objects.none()
    has_data = Q()
    for name in PARKING_FIELDS:
        has_data |= Q(**{f"{name}__gt": ""})
    approved = _per_organisation(
        "retention_parking_years", "approved_at__lte", lambda years: years_before(moment, years)
    )
    # Approved but never paid (so never valid): as long after the approval as after a refusal.
    unpaid = Q(status=PermitStatus.APPROVED, valid_until__isnull=True) & approved
    return (
        ParkingPermit.objects.filter(has_data)
        .annotate(decided_at=_decided_at(), approved_at=_decided_at((PermitStatus.APPROVED,)))
        .filter(
            (Q(status=PermitStatus.APPROVED) & expired) | (Q(status__in=DECIDED_AGAINST) & decided) | unpaid
        )
        .order_by("pk")
    )


def parking_erase_applicant(*, permit_id: int, actor: Any = None, reason: str = "retention") -> list[str]:
    """Empty plate and applicant fields and move the residence point to a point of the zone."""
    with transaction.atomic():
        permit = (
            ParkingPermit.objects.select_for_update(of=("self",))
            .select_related("zone")
            .filter(pk=permit_id)
            .first()
        )
        if permit is None:
            return []
        fields = [name for name in PARKING_FIELDS if getattr(permit, name)]
        if not fields:
            return []
        mails = mails_about_erase(
            object_type=ParkingPermit.audit_name,
            object_id=permit.public_id,
            to=[permit.applicant_email],
            reason=reason,
        )
        point = permit.zone.geom.point_on_surface
        point.srid = permit.zone.geom.srid
        ParkingPermit.objects.filter(pk=permit.pk).update(location=point, **dict.fromkeys(fields, ""))
        # The notices and the card show name, address and plate: deleted with them.
        _delete_with_files(Notice.objects.filter(parking_permit=permit))
        audit(
            actor=actor,
            action="parking.personal_erased",
            obj=permit,
            organisation=permit.organisation_id,
            summary=f"Kennzeichen und Antragsdaten gelöscht {_reason_text(reason)}",
            fields=[*fields, "location"],
            mails=mails,
            reason=reason,
        )
    return [*fields, "location"]
