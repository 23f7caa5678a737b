"""Resident parking permits: applying at the residence, the staff decision (number, fee claim, notices)
and the start of the validity."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from domains.permits.fees import fee_schedule_for, round_fee_line
from domains.permits.models import (
    Notice,
    ParkingPermit,
    ParkingZone,
    PermitKind,
    Tariff,
)
from domains.permits.notify import notify_parking_applicant, notify_parking_receipt
from domains.permits.selectors import nearest_zone, zone_for_residence
from domains.permits.services.notices import decision_paperwork, notice_parking_card
from domains.permits.services.validation import (
    applicant_fields,
)
from domains.permits.workflow import PERMIT_WORKFLOW, PermitStatus
from kernel.addresses.selectors import nearest
from kernel.boundaries.assignment import OutsideSaxony, assign_point
from kernel.cases.fields import FieldErrors, clean_note, clean_text
from kernel.cases.files import TransactionFiles, files_for_transaction
from kernel.cases.history import record_creation, record_note, record_status_change
from kernel.cases.public_ids import insert_with_public_id
from kernel.cases.tracking import tracking_token
from kernel.core.errors import ValidationFailed, reject_nul
from kernel.geo.coords import CoordinateError, parse_lon_lat, to_storage
from kernel.organisations.audit import audit_status_change
from kernel.organisations.scoping import get_visible, require_manager
from kernel.organisations.services import commune_organisation

# German plates: district code (1–3 letters incl. umlauts), 1–2 letters, 1–4 digits without leading
# zero, optional E (electric) or H (historic); at most 8 characters without separators.
PLATE_RE = re.compile(r"^([A-ZÄÖÜ]{1,3})[- ]?([A-Z]{1,2})[- ]?([1-9][0-9]{0,3})([EH]?)$")


def normalise_plate(value: Any) -> str:
    """'dd ab 123' → 'DD-AB 123'; raises ValidationFailed for anything that is no German plate."""
    text = re.sub(r"\s+", " ", clean_text(value).upper())
    match = PLATE_RE.match(text)
    if not match or len("".join(match.groups())) > 8:
        raise ValidationFailed(
            {
                "licence_plate": [
                    "Bitte ein deutsches Kennzeichen angeben, z. B. DD-AB 1234 (E/H am Ende erlaubt)."
                ]
            }
        )
    district, letters, digits, suffix = match.groups()
    return f"{district}-{letters} {digits}{suffix}"


@dataclass(frozen=True)
class CreatedParkingPermit:
    permit: ParkingPermit
    tracking_token: str


def _zone_at(point: Any, commune: Any) -> ParkingZone:
    """The resident parking zone at the residence; else a refusal that names the nearest zone."""
    zone = zone_for_residence(point, commune.ags)
    if zone is not None:
        return zone
    nearest = nearest_zone(point, commune.ags)
    if nearest is None:
        message = (
            f"{commune.name} hat keine Bewohnerparkgebiete; ein Bewohnerparkausweis ist hier nicht nötig."
        )
    else:
        near, distance = nearest
        message = (
            f"Die Adresse liegt in keinem Bewohnerparkgebiet von {commune.name}. Das nächste ist "
            f"„{near.name}“ ({near.code}), etwa {round(distance / 10) * 10:.0f} m entfernt."
        )
    raise ValidationFailed({"location": [message]}, message=message)


def _yearly_fee(commune: Any) -> Decimal:
    """The yearly card fee under the commune's published Satzung valid today (one line, a year)."""
    kind = PermitKind.objects.filter(is_parking=True).first()
    schedule = fee_schedule_for(ags=commune.ags, kind=kind, on=timezone.localdate()) if kind else None
    tariff = Tariff.objects.filter(schedule=schedule, kind=kind).first() if schedule else None
    if tariff is None:
        raise ValidationFailed(
            {"location": [f"Für {commune.name} ist noch keine Gebühr für Bewohnerparken hinterlegt."]}
        )
    return round_fee_line(tariff.rate)  # a year's card is one fee line


@dataclass(frozen=True)
class ParkingEstimate:
    """What a residence would get: its zone, commune and the yearly fee (EUR) of today's tariff."""

    zone: ParkingZone
    commune: Any
    district: Any
    fee: Decimal


def _residence(point: Any) -> ParkingEstimate:
    """Zone, commune and fee at ``point`` (WGS84); raises ValidationFailed on ``location`` outside Saxony,
    outside every zone or without a tariff — the one check that both the estimate and the application use."""
    try:
        assignment = assign_point(point, field="location")
    except OutsideSaxony as exc:
        raise ValidationFailed({"location": [exc.message]}) from None
    commune = assignment.commune
    zone = _zone_at(point, commune)
    fee = round_fee_line(zone.fee) if zone.fee is not None else _yearly_fee(commune)  # a zone's own fee first
    return ParkingEstimate(zone=zone, commune=commune, district=assignment.district, fee=fee)


def parking_estimate(*, lon: Any, lat: Any) -> ParkingEstimate:
    """Zone and yearly fee for a residence before applying (the form's "Gebiet und Gebühr prüfen"): the
    same answer and messages the application would get for the place, nothing stored."""
    reject_nul({"lon": lon, "lat": lat})
    return _residence(parse_lon_lat(lon, lat))  # a CoordinateError is a ValidationFailed on lat/lon


def parking_apply(
    *,
    lon: Any,
    lat: Any,
    licence_plate: Any,
    name: Any,
    email: Any,
    address: Any,
    account: Any = None,
) -> CreatedParkingPermit:
    """Apply for a resident parking permit at the residence (lon/lat, WGS84)."""
    given = {"lon": lon, "lat": lat, "licence_plate": licence_plate, "name": name, "email": email}
    reject_nul({**given, "address": address})
    errors = FieldErrors()
    plate = ""
    try:
        plate = normalise_plate(licence_plate)
    except ValidationFailed as exc:
        errors.absorb(exc)
    applicant = applicant_fields({"name": name, "email": email, "address": address}, errors)
    if not applicant["address"]:
        errors.add("address", "Bitte die Wohnanschrift angeben.")
    point = None
    try:
        point = parse_lon_lat(lon, lat)
    except CoordinateError as exc:
        errors.absorb(exc)
    errors.raise_if_any()
    found = _residence(point)
    commune = found.commune
    residence = to_storage(point)
    near = nearest(residence)
    permit = ParkingPermit(
        location=residence,
        nearest_address=near.label if near else "",
        nearest_address_id=near.address_key if near else "",
        zone=found.zone,
        licence_plate=plate,
        applicant_name=applicant["name"],
        applicant_email=applicant["email"],
        applicant_address=applicant["address"],
        fee=found.fee,
        commune=commune,
        district=found.district,
        organisation=commune_organisation(commune.ags),
        status=ParkingPermit.workflow.initial,
        account=account,  # the signed-in citizen (citizens/), None when anonymous
    )
    with transaction.atomic():
        insert_with_public_id(permit, ParkingPermit.public_id_prefix)
        record_creation(permit)
        notify_parking_receipt(permit)  # queued in the outbox; sent once the transaction committed
    return CreatedParkingPermit(permit=permit, tracking_token=tracking_token(ParkingPermit, permit.public_id))


def _permit_number(permit: ParkingPermit) -> None:
    """Permit number, per zone and year of the approval."""
    today = timezone.localdate()
    # Numbers run per zone code and year. Two approvals in one zone at once would count the same
    # predecessors and collide on the unique number (a 500), so the zone rows of that code are locked
    # first (a replaced zone and its successor share the code: parking_zones_publish); NO KEY UPDATE still
    # lets new applications reference the zone meanwhile.
    zone = permit.zone
    list(
        ParkingZone.objects.select_for_update(no_key=True).filter(ags=zone.ags, code=zone.code).order_by("pk")
    )
    prefix = f"{zone.ags}-{zone.code}-{today.year}-"
    sequence = ParkingPermit.objects.filter(permit_number__startswith=prefix).count() + 1
    permit.permit_number = f"{prefix}{sequence:05d}"


def one_year_from(day: dt.date) -> dt.date:
    """The last day of a year of validity starting on ``day`` (29 February → 28 February)."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year + 1, 2, 28)
    return day.replace(year=day.year + 1) - dt.timedelta(days=1)


def parking_start_validity(permit: ParkingPermit, *, actor: Any, files: TransactionFiles) -> Notice:
    """An approved permit becomes valid today, for one year (after its fee was paid, or at approval when
    there is none); recorded as a note in the history and the Parkausweis is issued. The caller holds
    the row lock and the transaction."""
    today = timezone.localdate()
    permit.valid_from, permit.valid_until = today, one_year_from(today)
    permit.save(update_fields=["valid_from", "valid_until", "updated"])
    card = notice_parking_card(permit, files=files, actor=actor)
    change = record_note(
        permit,
        actor,
        public_note=(
            f"Der Parkausweis gilt vom {permit.valid_from:%d.%m.%Y} bis {permit.valid_until:%d.%m.%Y}; "
            "er steht zum Ausdrucken bereit."
        ),
    )
    audit_status_change(permit, change, actor)
    notify_parking_applicant(permit, change, notices=[card])  # the mail carries the card
    return card


def parking_decide(*, actor: Any, public_id: str, status: str, public_note: str = "") -> ParkingPermit:
    """Approve or reject a parking permit application. An approval takes a permit number and opens the
    fee claim; the permit becomes valid once the fee is paid (``domains.permits.services.payments``), at once
    when there is no fee. Approval and refusal issue their Bescheid (PDF), an approval with a fee also
    the Gebührenbescheid. A refusal needs its reasons (``public_note``): they stand in its Bescheid."""
    public_note = clean_note(public_note, "public_note")
    if status == PermitStatus.REJECTED and not public_note:
        raise ValidationFailed(
            {"public_note": ["Bitte die Gründe der Ablehnung angeben; sie stehen im Bescheid."]}
        )
    with files_for_transaction() as files, transaction.atomic():
        visible = get_visible(actor, ParkingPermit.objects.all(), public_id=public_id)
        # Lock only the permit row (of=self), not the zone it joins: see domains.reports.services.triage._locked.
        permit = (
            ParkingPermit.objects.select_for_update(of=("self",))
            .select_related("zone", "organisation", "commune")
            .get(pk=visible.pk)
        )
        require_manager(actor, permit)
        PERMIT_WORKFLOW.check(permit.status, status)  # before a number is taken
        if status == PermitStatus.APPROVED:
            _permit_number(permit)
        paperwork = decision_paperwork(
            permit, status=status, amount=permit.fee, reasons=public_note, files=files, actor=actor
        )
        change = record_status_change(permit, status, actor, public_note, update_fields=("permit_number",))
        audit_status_change(permit, change, actor)
        notify_parking_applicant(permit, change, notices=paperwork.notices)
        if status == PermitStatus.APPROVED and paperwork.claim is None:
            parking_start_validity(permit, actor=actor, files=files)
    return permit
