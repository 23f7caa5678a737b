"""Applying for a special-use permit: the estimate the form shows, then the stored application."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from domains.permits.fees import Fee
from domains.permits.kinds import kind_available_in
from domains.permits.models import (
    Permit,
    PermitAttachment,
    PermitCommune,
    PermitKind,
)
from domains.permits.notify import notify_new_permit
from domains.permits.services.attachments import Upload, prepare_attachments
from domains.permits.services.validation import (
    PermitArea,
    applicant_fields,
    area_from_address,
    check_kind,
    check_units,
    permit_area,
    permit_fee,
    permit_period,
)
from kernel.addresses.selectors import nearest
from kernel.boundaries.assignment import AreaAssignment
from kernel.cases.fields import FieldErrors, clean_text
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_creation
from kernel.cases.public_ids import insert_with_public_id
from kernel.cases.tracking import tracking_token
from kernel.core.errors import ValidationFailed, reject_nul
from kernel.organisations.services import commune_organisation


@dataclass
class PermitDraft:
    kind: Any = None
    geometry: Any = None
    width_m: Any = None
    # The plain way instead of ``geometry``: the address plus length × width in metres (area_from_address).
    site_address: Any = None
    length_m: Any = None
    start: Any = None
    end: Any = None
    units: Any = 1
    # The reason of a claimable exemption of the Satzung (``FeeExemption.reason``), or empty.
    exemption: Any = ""
    description: Any = ""
    applicant: dict[str, Any] = field(default_factory=dict)
    attachments: Sequence[Upload] = ()
    channel: str = "api"


@dataclass(frozen=True)
class Estimate:
    kind: PermitKind
    area: PermitArea
    start: dt.datetime
    end: dt.datetime
    units: int
    fee: Fee


@dataclass(frozen=True)
class CreatedPermit:
    permit: Permit
    tracking_token: str
    presented: Any = None  # what ``present`` returned, read inside the creating transaction


def permit_estimate(*, draft: PermitDraft, errors: FieldErrors | None = None) -> Estimate:
    """Validate kind, area and period and compute the fee — what the form shows before submitting."""
    reject_nul(
        {
            name: getattr(draft, name)
            for name in (
                "kind",
                "geometry",
                "width_m",
                "site_address",
                "length_m",
                "start",
                "end",
                "units",
                "exemption",
                "description",
            )
        }
    )
    reject_nul(
        {f"applicant.{k}": v for k, v in (draft.applicant or {}).items()}
        if isinstance(draft.applicant, dict)
        else {}
    )
    own_errors = errors if errors is not None else FieldErrors()
    kind = check_kind(draft.kind, own_errors)
    area = _area(draft, kind, own_errors)
    period = permit_period(draft.start, draft.end, own_errors)
    units = check_units(draft.units, own_errors)
    if errors is None and own_errors:
        raise ValidationFailed(dict(own_errors))
    if kind is None or area is None or period is None:
        raise ValidationFailed(dict(own_errors))
    _require_offered(kind, area, own_errors)
    fee = permit_fee(area, kind, period[0], period[1], units, draft.exemption, own_errors)
    if errors is None and own_errors:
        raise ValidationFailed(dict(own_errors))
    return Estimate(kind=kind, area=area, start=period[0], end=period[1], units=units, fee=fee)


def _require_offered(kind: PermitKind, area: PermitArea, errors: FieldErrors) -> None:
    """Refuse a kind the commune holding the area does not offer (switched off, or another commune's
    own kind): the application would go to that commune, which has no such kind (``domains.permits.kinds``)."""
    commune = area.assignment.primary
    if not kind_available_in(kind, commune_organisation(commune.ags)):
        errors.add(
            "kind",
            f"In dieser Gemeinde ({commune.name}) kann „{kind.name}“ nicht beantragt werden. "
            "Bitte wählen Sie eine andere Art der Sondernutzung.",
        )
        raise ValidationFailed(dict(errors))


def _area(draft: PermitDraft, kind: Any, errors: FieldErrors) -> PermitArea | None:
    """GeoJSON when given (the expert way, it wins), else the address plus length × width."""
    if draft.geometry in (None, "") and clean_text(draft.site_address):
        geometry = area_from_address(draft.site_address, draft.length_m, draft.width_m, errors)
        return permit_area(geometry, None, kind, errors) if geometry else None
    return permit_area(draft.geometry, draft.width_m, kind, errors)


def set_communes(permit: Permit, assignment: AreaAssignment) -> None:
    """Store the permit's communes with their shares of the area (replacing earlier ones)."""
    PermitCommune.objects.filter(permit=permit).delete()
    PermitCommune.objects.bulk_create(
        [
            PermitCommune(permit=permit, commune=share.commune, share=Decimal(str(round(share.share, 6))))
            for share in assignment.shares
        ]
    )


@dataclass(frozen=True)
class ValidApplication:
    estimate: Estimate
    applicant: dict[str, str]
    description: str
    attachments: list[tuple[str, bytes, str]]  # (original name, bytes to store, content type)


def _validate(draft: PermitDraft) -> ValidApplication:
    """Every check at once (applicant, description, area, period, fee, attachments); stores nothing."""
    errors = FieldErrors()
    applicant = applicant_fields(draft.applicant, errors)
    if not applicant["address"] and "applicant.name" not in errors:
        # The decision (Bescheid) and the fee notice go out by post.
        errors.add(
            "applicant.address", "Bitte die Anschrift angeben; dorthin gehen Bescheid und Gebührenbescheid."
        )
    description = clean_text(draft.description)
    if len(description) > 4000:
        errors.add("description", "Die Beschreibung darf höchstens 4.000 Zeichen lang sein.")
    try:
        estimate = permit_estimate(draft=draft, errors=errors)
    except ValidationFailed:
        estimate = None
    attachments = prepare_attachments(draft.attachments, errors) if not errors else []
    if errors or estimate is None:
        raise ValidationFailed(dict(errors))
    return ValidApplication(estimate, applicant, description, attachments)


def _new_permit(valid: ValidApplication, channel: str) -> Permit:
    estimate, applicant = valid.estimate, valid.applicant
    area = estimate.area
    primary = area.assignment.primary
    inside = area.geom.point_on_surface
    inside.srid = area.geom.srid
    near = nearest(inside)
    return Permit(
        location=area.geom,
        nearest_address=near.label if near else "",
        nearest_address_id=near.address_key if near else "",
        kind=estimate.kind,
        start=estimate.start,
        end=estimate.end,
        area_m2=area.area_m2,
        units=estimate.units,
        input_line=area.line,
        width_m=area.width_m,
        description=valid.description,
        fee_total=estimate.fee.total,
        fee_lines=estimate.fee.as_dict()["lines"],
        fee_schedule=estimate.fee.schedule,
        fee_exemption=estimate.fee.exemption,
        applicant_name=applicant["name"],
        applicant_organisation=applicant["organisation"],
        applicant_email=applicant["email"],
        applicant_phone=applicant["phone"],
        applicant_address=applicant["address"],
        commune=primary,
        district=primary.district,
        organisation=commune_organisation(primary.ags),
        status=Permit.workflow.initial,
        channel=channel,
    )


def permit_create(
    *,
    draft: PermitDraft,
    user: Any = None,
    account: Any = None,
    present: Callable[[Permit], Any] | None = None,
) -> CreatedPermit:
    """Validate everything, compute the fee and store the application with its attachments atomically.

    ``present`` is called inside the transaction (see ``domains.reports.services.report_create``): an interface
    reads its answer back before the commit, so a lost connection right after it cannot turn a stored
    application into an error answer.
    """
    valid = _validate(draft)
    permit = _new_permit(valid, draft.channel)
    permit.account = account  # the signed-in citizen (citizens/), None when anonymous
    with files_for_transaction() as files, transaction.atomic():
        insert_with_public_id(permit, Permit.public_id_prefix)
        set_communes(permit, valid.estimate.area.assignment)
        record_creation(permit)
        for name, data, content_type in valid.attachments:
            suffix = ".pdf" if content_type == "application/pdf" else ".jpg"
            stored = files.save(f"permits/{permit.created:%Y/%m}/{uuid.uuid4().hex}{suffix}", data)
            PermitAttachment.objects.create(
                permit=permit, file=stored, content_type=content_type, size=len(data), original_name=name
            )
        notify_new_permit(permit)
        presented = present(permit) if present is not None else None
    return CreatedPermit(
        permit=permit, tracking_token=tracking_token(Permit, permit.public_id), presented=presented
    )
