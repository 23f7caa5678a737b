"""Staff decisions on special-use permits: approve with conditions, reject, correct area or period."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from domains.permits.kinds import standard_conditions_for
from domains.permits.models import Permit
from domains.permits.notify import notify_applicant_status
from domains.permits.selectors import staff_permits
from domains.permits.services.applying import set_communes
from domains.permits.services.notices import decision_paperwork
from domains.permits.services.validation import (
    PermitArea,
    permit_area,
    permit_fee,
    permit_period,
)
from domains.permits.workflow import PERMIT_WORKFLOW, PermitStatus
from kernel.boundaries.assignment import assign_geometry
from kernel.cases.fields import FieldErrors, clean_note
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_status_change
from kernel.core.amounts import german_amount
from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit, audit_status_change
from kernel.organisations.scoping import get_visible, require_manager
from kernel.organisations.territory import area_outside

CONDITIONS_MAX = 8000


def _locked_permit(actor: Any, public_id: str) -> Permit:
    visible = get_visible(actor, staff_permits(actor), public_id=public_id)
    permit = (
        Permit.objects.select_for_update(of=("self",))
        .select_related("organisation", "kind", "commune")
        .get(pk=visible.pk)
    )
    require_manager(actor, permit)
    return permit


def permit_decide(
    *,
    actor: Any,
    public_id: str,
    status: str,
    conditions: str = "",
    public_note: str = "",
    internal_note: str = "",
) -> Permit:
    """Move a permit through its workflow (approve with conditions, reject, …); the applicant is told.

    An approval or refusal is a written notice: the Bescheid (approval with the kind's standard and the
    caseworker's conditions, or refusal with the reasons from ``public_note``, which a refusal needs)
    and, for a fee, the Gebührenbescheid with a new Kassenzeichen — PDFs attached to the decision mail."""
    conditions = clean_note(conditions, "conditions", limit=CONDITIONS_MAX, label="Die Auflagen")
    public_note = clean_note(public_note, "public_note")
    internal_note = clean_note(internal_note, "internal_note")
    if status == PermitStatus.REJECTED and not public_note:
        raise ValidationFailed(
            {"public_note": ["Bitte die Gründe der Ablehnung angeben; sie stehen im Bescheid."]}
        )
    with files_for_transaction() as files, transaction.atomic():
        permit = _locked_permit(actor, public_id)
        PERMIT_WORKFLOW.check(permit.status, status)  # before a Kassenzeichen is taken
        if status == PermitStatus.APPROVED:
            permit.conditions = conditions
            permit.standard_conditions = standard_conditions_for(permit.kind, permit.organisation)
        paperwork = decision_paperwork(
            permit, status=status, amount=permit.fee_total, reasons=public_note, files=files, actor=actor
        )
        change = record_status_change(
            permit,
            status,
            actor,
            public_note,
            internal_note,
            update_fields=("conditions", "standard_conditions"),
        )
        audit_status_change(permit, change, actor)
        notify_applicant_status(permit, change, notices=paperwork.notices)
    return permit


# Shares are measured twice (assignment and territory), each by PostGIS in EPSG:25833: equal up to rounding.
SHARE_EPSILON = 1e-6


def _require_own_territory(permit: Permit, area: PermitArea) -> None:
    """Refuse a corrected area whose largest part lies outside the organisation's territory.

    An application goes to the organisation of the commune holding the largest part of its area; a staff
    correction must not move it elsewhere while the organisation keeps it — that organisation would then
    issue a Bescheid and a Kassenzeichen for a place it is not responsible for. Areas crossing the border
    stay possible as long as the own territory holds the largest part, as when applying."""
    outside = area_outside(permit.organisation, area.geom)
    inside_share = 1.0 - outside.outside_share if outside.has_territory else 0.0
    if inside_share + SHARE_EPSILON >= area.assignment.shares[0].share:
        return
    other = area.assignment.primary
    raise ValidationFailed(
        {
            "geometry": [
                f"Die neue Fläche liegt überwiegend in {other.name} (AGS {other.ags}) und damit außerhalb "
                f"des Gebiets von {permit.organisation.name}. Bitte die Fläche im eigenen Gebiet einzeichnen; "
                f"für einen Ort in {other.name} muss der Antrag dort gestellt werden."
            ]
        }
    )


def permit_change_area_or_period(
    *,
    actor: Any,
    public_id: str,
    geometry: Any = None,
    width_m: Any = None,
    start: Any = None,
    end: Any = None,
) -> Permit:
    """Staff correct the area or period of a pending application; communes and fee are recomputed.

    The corrected area must stay in the organisation's territory (its largest part, see
    :func:`_require_own_territory`); otherwise nothing changes."""
    errors = FieldErrors()
    with transaction.atomic():
        permit = _locked_permit(actor, public_id)
        if permit.status not in (PermitStatus.SUBMITTED, PermitStatus.IN_REVIEW):
            raise ValidationFailed(
                {"status": ["Nach der Entscheidung können Fläche und Zeitraum nicht mehr geändert werden."]}
            )
        area = None
        if geometry is not None:
            area = permit_area(geometry, width_m, permit.kind, errors)
        period = permit_period(start or permit.start, end or permit.end, errors, allow_past=True)
        if errors or period is None:
            raise ValidationFailed(dict(errors))
        if area is not None:
            _require_own_territory(permit, area)
            permit.location, permit.input_line, permit.width_m, permit.area_m2 = (
                area.geom,
                area.line,
                area.width_m,
                area.area_m2,
            )
            permit.commune, permit.district = area.assignment.primary, area.assignment.primary.district
            set_communes(permit, area.assignment)
        permit.start, permit.end = period
        current_area = area or PermitArea(
            geom=permit.location,
            line=permit.input_line,
            width_m=permit.width_m,
            area_m2=permit.area_m2,
            assignment=assign_geometry(permit.location),
        )
        fee = permit_fee(current_area, permit.kind, permit.start, permit.end, permit.units)
        permit.fee_total, permit.fee_lines = fee.total, fee.as_dict()["lines"]
        permit.save()
        audit(
            actor=actor,
            action="permit.change",
            obj=permit,
            organisation=permit.organisation_id,
            summary=f"Fläche/Zeitraum geändert, Gebühr neu berechnet: {german_amount(fee.total)} EUR",
        )
    return permit


def permit_staff_update(
    *, actor: Any, public_id: str, change: dict[str, Any], decision: dict[str, Any]
) -> Permit:
    """Staff PATCH: a corrected area/period (``change``: geometry, width_m, start, end) and/or a decision
    (``decision``: status plus conditions and notes), in one transaction — a refused decision also undoes
    the correction sent with it."""
    if not change and "status" not in decision:
        raise ValidationFailed({"status": ["Bitte einen Status oder eine geänderte Fläche/Zeit angeben."]})
    if "status" not in decision and any(decision.values()):
        raise ValidationFailed({"status": ["Auflagen und Notizen gehören zu einer Entscheidung (status)."]})
    with transaction.atomic():
        permit = None
        if change:
            permit = permit_change_area_or_period(actor=actor, public_id=public_id, **change)
        if "status" in decision:
            permit = permit_decide(actor=actor, public_id=public_id, **decision)
    return permit
