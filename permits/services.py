"""Writes for special-use permits and resident parking permits.

The same core as reports: geometry parsed by GEOS with fixed SRIDs (geo.geometry), communes from the
assignment service (boundaries.assignment), the responsible organisation, status history, audit and the
outbox — no second copy of any of it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from boundaries.assignment import AreaAssignment, OutsideSaxony, assign_geometry, assign_point
from cases.images import PhotoRejected, process_photo
from core.errors import ValidationFailed, reject_nul
from geo.coords import CoordinateError, parse_lon_lat, to_storage
from geo.geometry import parse_geojson_geometry
from notifications.services import email_is_valid, mail_queue
from organisations.scoping import get_visible, require_manager
from organisations.services import audit, commune_organisation
from permits.fees import Fee, compute_fee
from permits.models import (
    ParkingPermit,
    ParkingPermitStatusChange,
    ParkingZone,
    Permit,
    PermitAttachment,
    PermitCommune,
    PermitKind,
    PermitStatusChange,
)
from permits.selectors import nearest_zone, zone_for_residence, zone_shares
from permits.workflow import PERMIT_WORKFLOW, PermitStatus

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_DURATION_DAYS = 730
# Applications are for works and events that are planned, not for a date decades away (a typing error in
# the year, most likely): communes decide on current tariffs and street conditions.
MAX_LEAD_DAYS = 730
EARLIEST_MOMENT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
MIN_WIDTH_M, MAX_WIDTH_M = Decimal("0.5"), Decimal("50")
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PHONE_RE = re.compile(r"^\+?[0-9 ()/\-]{5,30}$")
# German plates: district code (1–3 letters incl. umlauts), 1–2 letters, 1–4 digits without leading
# zero, optional E (electric) or H (historic); at most 8 characters without separators.
PLATE_RE = re.compile(r"^([A-ZÄÖÜ]{1,3})[- ]?([A-Z]{1,2})[- ]?([1-9][0-9]{0,3})([EH]?)$")
INSIDE_SAXONY_MIN_SHARE = 0.999


class _Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _public_id(prefix: str) -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def tracking_token_for(public_id: str) -> str:
    """The applicant's private link token: an HMAC of the public id (derived, never stored)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"permit:{public_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def parking_tracking_url(permit: ParkingPermit) -> str:
    return f"{settings.SITE_URL}/parkausweis/{permit.public_id}/verfolgen/{tracking_token_for(permit.public_id)}/"


def tracking_token_matches(public_id: str, token: str) -> bool:
    if not token.isascii():  # URL-safe base64 only; compare_digest raises TypeError for non-ASCII text
        return False
    return hmac.compare_digest(tracking_token_for(public_id), token)


# --- geometry and period --------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitArea:
    geom: MultiPolygon  # EPSG:25833
    line: GEOSGeometry | None
    width_m: Decimal | None
    area_m2: Decimal
    assignment: AreaAssignment


def _width(value: Any, errors: _Errors) -> Decimal | None:
    text = _text(value).replace(",", ".")
    if not text:
        errors.add("width_m", "Für eine Linie bitte die Breite in Metern angeben (width_m).")
        return None
    try:
        width = Decimal(text)
    except ArithmeticError:
        errors.add("width_m", "Die Breite muss eine Zahl in Metern sein.")
        return None
    if not width.is_finite() or not MIN_WIDTH_M <= width <= MAX_WIDTH_M:
        errors.add("width_m", f"Die Breite muss zwischen {MIN_WIDTH_M} und {MAX_WIDTH_M} m liegen.")
        return None
    return width


def _checked_area(geom: GEOSGeometry, kind: PermitKind | None, errors: _Errors) -> Decimal | None:
    """Area in m² (EPSG:25833), refused when empty or larger than the kind allows."""
    area = Decimal(str(geom.area)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if area <= 0:
        errors.add("geometry", "Die Fläche ist leer (0 m²).")
        return None
    if kind is not None and area > kind.max_area_m2 and not kind.allows_large_area:
        errors.add(
            "geometry",
            f"Die Fläche ist mit {area:,.0f} m² größer als die für „{kind.name}“ erlaubten "
            f"{kind.max_area_m2:,.0f} m². Bitte teilen Sie den Antrag auf oder wenden Sie sich an die Gemeinde.".replace(
                ",", "."
            ),
        )
        return None
    return area


def permit_area(geometry: Any, width_m: Any, kind: PermitKind | None, errors: _Errors) -> PermitArea | None:
    """Validate the requested area; a LineString with a width becomes a flat-ended buffer in EPSG:25833.

    Invalid geometry (self-intersections, empty, outside Saxony, too large) is refused with a message —
    never repaired behind the applicant's back.
    """
    try:
        wgs = parse_geojson_geometry(
            geometry, allowed=("Polygon", "MultiPolygon", "LineString"), field="geometry"
        )
    except ValidationFailed as exc:
        for key, messages in exc.errors.items():
            for message in messages:
                errors.add(key, message)
        return None
    line = width = None
    geom = to_storage(wgs)
    if geom.geom_type == "LineString":
        width = _width(width_m, errors)
        if width is None:
            return None
        line = geom
        # Flat ends and mitred joins: a scaffold along a facade is a rectangle, not a sausage.
        geom = geom.buffer_with_style(float(width) / 2, end_cap_style=2, join_style=2)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    area = _checked_area(geom, kind, errors)
    if area is None:
        return None
    try:
        assignment = assign_geometry(geom, field="geometry")
    except OutsideSaxony as exc:
        errors.add("geometry", exc.message)
        return None
    if assignment.inside_share < INSIDE_SAXONY_MIN_SHARE:
        errors.add("geometry", "Die Fläche liegt teilweise außerhalb Sachsens.")
        return None
    return PermitArea(geom=geom, line=line, width_m=width, area_m2=area, assignment=assignment)


def _moment(value: Any, key: str, errors: _Errors) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = _text(value)
        if not text:
            errors.add(
                key,
                f"Bitte {'den Beginn' if key == 'start' else 'das Ende'} angeben (z. B. 2026-05-04T07:00).",
            )
            return None
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            errors.add(key, "Datum und Uhrzeit nach ISO 8601 erwartet, z. B. 2026-05-04T07:00.")
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # Python's datetimes end with the year 9999 (and begin with year 1): a moment near either end overflows
    # when the fee's days are counted in local time (OverflowError, a 500). Such a date is a typing error.
    if moment > LATEST_MOMENT:
        errors.add(key, "Das Datum liegt zu weit in der Zukunft.")
        return None
    if moment < EARLIEST_MOMENT:
        errors.add(key, "Das Datum liegt zu weit in der Vergangenheit.")
        return None
    return moment


def permit_period(
    start: Any, end: Any, errors: _Errors, *, allow_past: bool = False
) -> tuple[dt.datetime, dt.datetime] | None:
    begin, finish = _moment(start, "start", errors), _moment(end, "end", errors)
    if begin is None or finish is None:
        return None
    if finish <= begin:
        errors.add("end", "Das Ende muss nach dem Beginn liegen.")
        return None
    if not allow_past and begin < timezone.now() - dt.timedelta(hours=1):
        errors.add("start", "Der Beginn liegt in der Vergangenheit.")
        return None
    if begin > timezone.now() + dt.timedelta(days=MAX_LEAD_DAYS):
        errors.add(
            "start",
            f"Anträge sind höchstens {MAX_LEAD_DAYS // 365} Jahre im Voraus möglich; bitte das Jahr prüfen.",
        )
        return None
    if finish - begin > dt.timedelta(days=MAX_DURATION_DAYS):
        errors.add(
            "end", f"Eine Sondernutzung dauert höchstens {MAX_DURATION_DAYS} Tage; bitte Folgeantrag stellen."
        )
        return None
    return begin, finish


def _kind(value: Any, errors: _Errors) -> PermitKind | None:
    if isinstance(value, PermitKind):
        return value
    slug = _text(value)
    if not slug:
        errors.add("kind", "Bitte die Art der Sondernutzung wählen.")
        return None
    kind = PermitKind.objects.filter(slug=slug, active=True, is_parking=False).first()
    if kind is None:
        errors.add("kind", f"Unbekannte Art der Sondernutzung „{slug[:60]}“.")
    return kind


def permit_fee(area: PermitArea, kind: PermitKind, start: dt.datetime, end: dt.datetime, units: int) -> Fee:
    ags = area.assignment.primary.ags
    return compute_fee(
        ags=ags,
        kind=kind,
        start=start,
        end=end,
        area_m2=area.area_m2,
        units=units,
        zones=zone_shares(ags, area.geom),
    )


# --- applying ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    file: BinaryIO
    name: str
    size: int


@dataclass
class PermitDraft:
    kind: Any = None
    geometry: Any = None
    width_m: Any = None
    start: Any = None
    end: Any = None
    units: Any = 1
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


def _units(value: Any, errors: _Errors) -> int:
    text = _text(value) or "1"
    # isascii: str.isdigit also accepts "²", which int() refuses; len: int() refuses > 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= 1000:
        errors.add("units", "Anzahl: ganze Zahl von 1 bis 1000.")
        return 1
    return int(text)


def permit_estimate(*, draft: PermitDraft, errors: _Errors | None = None) -> Estimate:
    """Validate kind, area and period and compute the fee — what the form shows before submitting."""
    reject_nul(
        {
            name: getattr(draft, name)
            for name in ("kind", "geometry", "width_m", "start", "end", "units", "description")
        }
    )
    reject_nul(
        {f"applicant.{k}": v for k, v in (draft.applicant or {}).items()}
        if isinstance(draft.applicant, dict)
        else {}
    )
    own_errors = errors if errors is not None else _Errors()
    kind = _kind(draft.kind, own_errors)
    area = permit_area(draft.geometry, draft.width_m, kind, own_errors)
    period = permit_period(draft.start, draft.end, own_errors)
    units = _units(draft.units, own_errors)
    if errors is None and own_errors:
        raise ValidationFailed(dict(own_errors))
    if kind is None or area is None or period is None:
        raise ValidationFailed(dict(own_errors))
    fee = permit_fee(area, kind, period[0], period[1], units)
    return Estimate(kind=kind, area=area, start=period[0], end=period[1], units=units, fee=fee)


# What the applicant columns hold (Permit and ParkingPermit); longer input is refused, never cut off.
APPLICANT_MAX = {"name": 200, "organisation": 200, "address": 300}
APPLICANT_TOO_LONG = {
    "name": "Der Name darf höchstens 200 Zeichen lang sein.",
    "organisation": "Firma/Verein darf höchstens 200 Zeichen lang sein.",
    "address": "Die Anschrift darf höchstens 300 Zeichen lang sein.",
}


def _applicant(data: dict[str, Any], errors: _Errors) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}
    out = {k: _text(data.get(k)) for k in ("name", "organisation", "email", "phone", "address")}
    if not out["name"]:
        errors.add("applicant.name", "Bitte den Namen der antragstellenden Person angeben.")
    for key, limit in APPLICANT_MAX.items():
        if len(out[key]) > limit:
            errors.add(f"applicant.{key}", APPLICANT_TOO_LONG[key])
    if not out["email"]:
        errors.add(
            "applicant.email", "Bitte eine E-Mail-Adresse angeben; wir senden Ihnen dorthin den Bescheid."
        )
    elif not email_is_valid(out["email"]):
        errors.add("applicant.email", "Bitte eine gültige E-Mail-Adresse angeben.")
    if out["phone"] and not PHONE_RE.match(out["phone"]):
        errors.add("applicant.phone", "Bitte eine gültige Telefonnummer angeben.")
    return out


def _check_pdf(data: bytes, name: str) -> None:
    """Plans as PDF: a real PDF (header and end marker) without active content."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise PhotoRejected(name, "ist kein gültiges PDF.", field="attachments")
    lowered = data.lower()
    for marker in (b"/javascript", b"/js ", b"/js(", b"/launch", b"/embeddedfile", b"/openaction"):
        if marker in lowered:
            raise PhotoRejected(
                name, "enthält aktive Inhalte (Skripte oder eingebettete Dateien).", field="attachments"
            )


def _prepare_attachments(uploads: Sequence[Upload], errors: _Errors) -> list[tuple[str, bytes, str]]:
    """(original name, bytes to store, content type) — images re-encoded, PDFs checked."""
    if len(uploads) > MAX_ATTACHMENTS:
        errors.add("attachments", f"Höchstens {MAX_ATTACHMENTS} Anhänge.")
        return []
    prepared = []
    for upload in uploads:
        name = (upload.name or "Anhang").rsplit("/", 1)[-1][:120]
        try:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise PhotoRejected(name, "ist größer als 10 MB.", field="attachments")
            head = upload.file.read(5)
            upload.file.seek(0)
            if head == b"%PDF-":
                data = upload.file.read(MAX_ATTACHMENT_BYTES + 1)
                _check_pdf(data, name)
                prepared.append((name, data, "application/pdf"))
            else:
                image = process_photo(
                    upload.file,
                    name,
                    size=upload.size,
                    field="attachments",
                    display_edge=4096,
                    max_bytes=MAX_ATTACHMENT_BYTES,
                )
                prepared.append((name, image.display, "image/jpeg"))
        except PhotoRejected as exc:
            for message in exc.errors["attachments"]:
                errors.add(
                    "attachments", message.replace("kein unterstütztes Foto", "weder ein PDF noch ein Bild")
                )
    return prepared


def _insert_with_public_id(obj: Any, prefix: str) -> None:
    for _attempt in range(5):
        obj.public_id = _public_id(prefix)
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if type(obj).objects.filter(public_id=obj.public_id).exists():
                continue
            raise
    raise RuntimeError("could not allocate a unique public id")


def _set_communes(permit: Permit, assignment: AreaAssignment) -> None:
    PermitCommune.objects.filter(permit=permit).delete()
    PermitCommune.objects.bulk_create(
        [
            PermitCommune(permit=permit, commune=share.commune, share=Decimal(str(round(share.share, 6))))
            for share in assignment.shares
        ]
    )


def permit_create(
    *, draft: PermitDraft, user: Any = None, present: Callable[[Permit], Any] | None = None
) -> CreatedPermit:
    """Validate everything, compute the fee and store the application with its attachments atomically.

    ``present`` is called inside the transaction (see ``reports.services.report_create``): an interface
    reads its answer back before the commit, so a lost connection right after it cannot turn a stored
    application into an error answer.
    """
    errors = _Errors()
    applicant = _applicant(draft.applicant, errors)
    if not applicant["address"] and "applicant.name" not in errors:
        # The decision (Bescheid) and the fee notice go out by post.
        errors.add(
            "applicant.address", "Bitte die Anschrift angeben; dorthin gehen Bescheid und Gebührenbescheid."
        )
    description = _text(draft.description)
    if len(description) > 4000:
        errors.add("description", "Die Beschreibung darf höchstens 4.000 Zeichen lang sein.")
    try:
        estimate = permit_estimate(draft=draft, errors=errors)
    except ValidationFailed:
        estimate = None
    attachments = _prepare_attachments(draft.attachments, errors) if not errors else []
    if errors or estimate is None:
        raise ValidationFailed(dict(errors))
    area = estimate.area
    primary = area.assignment.primary
    permit = Permit(
        location=area.geom,
        kind=estimate.kind,
        start=estimate.start,
        end=estimate.end,
        area_m2=area.area_m2,
        units=estimate.units,
        input_line=area.line,
        width_m=area.width_m,
        description=description,
        fee_total=estimate.fee.total,
        fee_lines=estimate.fee.as_dict()["lines"],
        applicant_name=applicant["name"],
        applicant_organisation=applicant["organisation"],
        applicant_email=applicant["email"],
        applicant_phone=applicant["phone"],
        applicant_address=applicant["address"],
        commune=primary,
        district=primary.district,
        organisation=commune_organisation(primary.ags),
        status=PERMIT_WORKFLOW.initial,
        channel=draft.channel,
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            _insert_with_public_id(permit, "SO")
            _set_communes(permit, area.assignment)
            PermitStatusChange.objects.create(permit=permit, from_status="", to_status=permit.status)
            for name, data, content_type in attachments:
                stored = default_storage.save(
                    f"permits/{permit.created:%Y/%m}/{uuid.uuid4().hex}{'.pdf' if content_type == 'application/pdf' else '.jpg'}",
                    ContentFile(data),
                )
                written.append(stored)
                PermitAttachment.objects.create(
                    permit=permit, file=stored, content_type=content_type, size=len(data), original_name=name
                )
            _notify_new(permit)
            presented = present(permit) if present is not None else None
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return CreatedPermit(
        permit=permit, tracking_token=tracking_token_for(permit.public_id), presented=presented
    )


def permit_tracking_url(permit: Permit) -> str:
    return f"{settings.SITE_URL}/sondernutzung/{permit.public_id}/verfolgen/{tracking_token_for(permit.public_id)}/"


def _notify_new(permit: Permit) -> None:
    context = {
        "permit": permit,
        "tracking_url": permit_tracking_url(permit),
        "staff_url": f"{settings.SITE_URL}/verwaltung/sondernutzungen/{permit.public_id}/",
    }
    mail_queue(
        kind="permit.new",
        to=permit.organisation.email,
        template="mail/permit_new.txt",
        context=context,
        object_type="permit",
        object_id=permit.public_id,
    )
    mail_queue(
        kind="permit.received",
        to=permit.applicant_email,
        template="mail/permit_received.txt",
        context=context,
        object_type="permit",
        object_id=permit.public_id,
    )


# --- staff decisions --------------------------------------------------------------------------------


def _locked_permit(actor: Any, public_id: str) -> Permit:
    from permits.selectors import staff_permits

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
    """Move a permit through its workflow (approve with conditions, reject, …); the applicant is told."""
    conditions = _text(conditions)[:8000]
    with transaction.atomic():
        permit = _locked_permit(actor, public_id)
        PERMIT_WORKFLOW.check(permit.status, status)
        previous = permit.status
        permit.status = status
        if status == PermitStatus.APPROVED:
            permit.conditions = conditions
        permit.save(update_fields=["status", "conditions", "updated"])
        change = PermitStatusChange.objects.create(
            permit=permit,
            from_status=previous,
            to_status=status,
            by_user=actor,
            public_note=_text(public_note)[:4000],
            internal_note=_text(internal_note)[:4000],
        )
        audit(
            actor=actor,
            action="permit.status",
            obj=permit,
            organisation=permit.organisation_id,
            summary=f"Status: {PERMIT_WORKFLOW.label(previous)} → {PERMIT_WORKFLOW.label(status)}",
        )
        mail_queue(
            kind="permit.status",
            to=permit.applicant_email,
            template="mail/permit_status.txt",
            context={
                "permit": permit,
                "status_label": PERMIT_WORKFLOW.label(status),
                "note": change.public_note,
                "tracking_url": permit_tracking_url(permit),
            },
            object_type="permit",
            object_id=permit.public_id,
        )
    return permit


def permit_change_area_or_period(
    *,
    actor: Any,
    public_id: str,
    geometry: Any = None,
    width_m: Any = None,
    start: Any = None,
    end: Any = None,
) -> Permit:
    """Staff correct the area or period of a pending application; communes and fee are recomputed."""
    errors = _Errors()
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
            permit.location, permit.input_line, permit.width_m, permit.area_m2 = (
                area.geom,
                area.line,
                area.width_m,
                area.area_m2,
            )
            permit.commune, permit.district = area.assignment.primary, area.assignment.primary.district
            _set_communes(permit, area.assignment)
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
            summary=f"Fläche/Zeitraum geändert, Gebühr neu berechnet: {fee.total} EUR",
        )
    return permit


# --- resident parking permits -----------------------------------------------------------------------


def normalise_plate(value: Any) -> str:
    """'dd ab 123' → 'DD-AB 123'; raises ValidationFailed for anything that is no German plate."""
    text = re.sub(r"\s+", " ", _text(value).upper())
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


def parking_apply(
    *, lon: Any, lat: Any, licence_plate: Any, name: Any, email: Any, address: Any
) -> CreatedParkingPermit:
    """Apply for a resident parking permit at the residence (lon/lat, WGS84)."""
    from permits.models import Tariff

    reject_nul(
        {
            "lon": lon,
            "lat": lat,
            "licence_plate": licence_plate,
            "name": name,
            "email": email,
            "address": address,
        }
    )
    errors = _Errors()
    try:
        plate = normalise_plate(licence_plate)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        plate = ""
    applicant = _applicant({"name": name, "email": email, "address": address}, errors)
    if not applicant["address"]:
        errors.add("address", "Bitte die Wohnanschrift angeben.")
    point = None
    try:
        point = parse_lon_lat(lon, lat)
    except CoordinateError as exc:
        errors.update(exc.errors)
    if errors or point is None:
        raise ValidationFailed(dict(errors))
    try:
        assignment = assign_point(point, field="location")
    except OutsideSaxony as exc:
        raise ValidationFailed({"location": [exc.message]}) from None
    commune = assignment.commune
    zone = zone_for_residence(point, commune.ags)
    if zone is None:
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
    today = timezone.localdate()
    tariff = (
        Tariff.objects.filter(ags=commune.ags, kind__is_parking=True, valid_from__lte=today)
        .exclude(valid_to__lte=today)
        .order_by("-valid_from")
        .first()
    )
    if tariff is None:
        raise ValidationFailed(
            {"location": [f"Für {commune.name} ist noch keine Gebühr für Bewohnerparken hinterlegt."]}
        )
    permit = ParkingPermit(
        location=to_storage(point),
        zone=zone,
        licence_plate=plate,
        applicant_name=applicant["name"],
        applicant_email=applicant["email"],
        applicant_address=applicant["address"],
        fee=tariff.rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        commune=commune,
        district=assignment.district,
        organisation=commune_organisation(commune.ags),
        status=PERMIT_WORKFLOW.initial,
    )
    with transaction.atomic():
        _insert_with_public_id(permit, "PA")
        ParkingPermitStatusChange.objects.create(permit=permit, from_status="", to_status=permit.status)
    return CreatedParkingPermit(permit=permit, tracking_token=tracking_token_for(permit.public_id))


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


def parking_decide(*, actor: Any, public_id: str, status: str, public_note: str = "") -> ParkingPermit:
    """Approve (permit number and one year of validity) or reject a parking permit application."""
    from organisations.scoping import visible_cases

    with transaction.atomic():
        visible = get_visible(actor, visible_cases(actor, ParkingPermit.objects.all()), public_id=public_id)
        # Lock only the permit row (of=self), not the zone it joins: see reports.triage._locked.
        permit = (
            ParkingPermit.objects.select_for_update(of=("self",)).select_related("zone").get(pk=visible.pk)
        )
        require_manager(actor, permit)
        PERMIT_WORKFLOW.check(permit.status, status)
        previous, permit.status = permit.status, status
        if status == PermitStatus.APPROVED:
            today = timezone.localdate()
            # Numbers run per zone and year. Two approvals in one zone at once would count the same
            # predecessors and collide on the unique number (a 500), so the zone row is locked first;
            # NO KEY UPDATE still lets new applications reference the zone meanwhile.
            ParkingZone.objects.select_for_update(no_key=True).filter(pk=permit.zone_id).first()
            prefix = f"{permit.zone.ags}-{permit.zone.code}-{today.year}-"
            sequence = (
                ParkingPermit.objects.filter(zone=permit.zone, permit_number__startswith=prefix).count() + 1
            )
            permit.permit_number = f"{prefix}{sequence:05d}"
            permit.valid_from = today
            permit.valid_until = (
                today.replace(year=today.year + 1) - dt.timedelta(days=1)
                if not (today.month == 2 and today.day == 29)
                else dt.date(today.year + 1, 2, 28)
            )
        permit.save()
        ParkingPermitStatusChange.objects.create(
            permit=permit,
            from_status=previous,
            to_status=status,
            by_user=actor,
            public_note=_text(public_note)[:4000],
        )
        audit(
            actor=actor,
            action="parking.status",
            obj=permit,
            organisation=permit.organisation_id,
            summary=f"Parkausweis: {PERMIT_WORKFLOW.label(previous)} → {PERMIT_WORKFLOW.label(status)}",
        )
    return permit


# --- catalogue, demo data, zones ---------------------------------------------------------------------


def permit_kinds_load_defaults() -> int:
    """Create or update the default kinds by slug; returns how many were created. Never deletes."""
    from permits.catalogue import KINDS, PARKING_KIND

    created = 0
    with transaction.atomic():
        for order, (slug, name, unit, description) in enumerate([*KINDS, PARKING_KIND]):
            _, was_created = PermitKind.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "unit": unit,
                    "description": description,
                    "order": order,
                    "is_parking": slug == PARKING_KIND[0],
                },
            )
            created += was_created
    return created


def permit_demo_load() -> tuple[int, int]:
    """Demo tariffs and fee zones for Dresden and Leipzig (idempotent). Returns (tariffs, zones) created."""
    from django.contrib.gis.geos import Polygon

    from permits.catalogue import DEMO_COMMUNES, DEMO_FEE_ZONES, DEMO_TARIFF_FROM, DEMO_TARIFFS
    from permits.models import Tariff, TariffZone

    tariffs = zones = 0
    with transaction.atomic():
        kinds = {k.slug: k for k in PermitKind.objects.all()}
        for ags in DEMO_COMMUNES:
            for slug, (rate, minimum, admin_fee) in DEMO_TARIFFS.items():
                _, created = Tariff.objects.get_or_create(
                    ags=ags,
                    kind=kinds[slug],
                    valid_from=dt.date.fromisoformat(DEMO_TARIFF_FROM),
                    defaults={
                        "rate": rate,
                        "unit": kinds[slug].unit,
                        "minimum_fee": minimum,
                        "admin_fee": admin_fee,
                    },
                )
                tariffs += created
            name, factor, bbox = DEMO_FEE_ZONES[ags]
            if not TariffZone.objects.filter(ags=ags, name=name).exists():
                box = Polygon.from_bbox(bbox)
                box.srid = 4326
                TariffZone.objects.create(
                    ags=ags, name=name, factor=factor, geom=MultiPolygon(to_storage(box))
                )
                zones += 1
    return tariffs, zones


def _parking_zone_fields(index: int, feature: Any) -> tuple[str, str, str, MultiPolygon]:
    """(ags, code, name, geometry in EPSG:25833) of one GeoJSON feature, or a German error naming it."""
    from boundaries.models import Commune

    def bad(message: str) -> ValidationFailed:
        return ValidationFailed({"path": [f"Objekt {index}: {message}"]})

    if not isinstance(feature, dict):
        raise bad("kein GeoJSON-Feature.")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise bad("properties muss ein Objekt sein.")
    ags, code, name = _text(props.get("ags")), _text(props.get("code")), _text(props.get("name"))
    if not (ags and code and name):
        raise bad("ags, code und name sind Pflicht.")
    if len(code) > 20 or len(name) > 120:
        raise bad("code höchstens 20, name höchstens 120 Zeichen.")
    if not Commune.objects.current().filter(ags=ags).exists():
        raise bad(f"unbekannte Gemeinde {ags}.")
    geom = to_storage(
        parse_geojson_geometry(feature.get("geometry"), allowed=("Polygon", "MultiPolygon"), field="path")
    )
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    return ags, code, name, geom


def parking_zones_load(path: Any, *, update_existing: bool = True) -> tuple[int, int]:
    """Load resident parking zones from GeoJSON (properties ags, code, name); returns (created, existing).

    Zones are matched by (ags, code). An explicit import (``load_parking_zones``) updates the existing ones
    from the file; the demo data that ``make run`` loads on every start passes ``update_existing=False``
    so a zone a commune has since renamed, redrawn or switched off stays as the commune left it. One
    transaction: a bad feature leaves the zones as they were. Read with the GEOS-based parser
    (geo.geometry), not GDAL: the file's coordinates are WGS84 numbers.
    """
    import json
    from pathlib import Path

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed({"path": [f"Datei nicht lesbar: {exc}"]}) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise ValidationFailed({"path": ["Eine GeoJSON-FeatureCollection mit Parkgebieten wird erwartet."]})
    created = existing = 0
    with transaction.atomic():
        for index, feature in enumerate(features, start=1):
            ags, code, name, geom = _parking_zone_fields(index, feature)
            defaults = {"name": name, "geom": geom, "active": True}
            if update_existing:
                _, was_created = ParkingZone.objects.update_or_create(ags=ags, code=code, defaults=defaults)
            else:
                _, was_created = ParkingZone.objects.get_or_create(ags=ags, code=code, defaults=defaults)
            created += was_created
            existing += not was_created
    return created, existing
