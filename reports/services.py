"""Writes for reports. Every interface (REST, Open311, web form, staff) calls these functions.

Validation lives here too, so the same input gets the same German message everywhere.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from boundaries.assignment import OutsideSaxony, assign_point
from core.errors import Conflict, NotFound, ValidationFailed, reject_nul
from geo.coords import CoordinateError, parse_geojson_point, parse_lon_lat, to_storage
from notifications.services import email_is_valid
from organisations.services import route
from reports.attributes import clean_attributes
from reports.catalogue import ATTRIBUTES, GROUPS
from reports.models import (
    DESCRIPTION_MAX,
    PLACE_MAX,
    Category,
    CategoryAttribute,
    CategoryGroup,
    CommuneCategorySetting,
    PhotoKind,
    Report,
    ReportPhoto,
    StatusChange,
    Support,
)
from reports.notify import notify_new_report
from reports.photos import MAX_PHOTOS, PhotoRejected, ProcessedPhoto, process_photo
from reports.workflow import REPORT_WORKFLOW, ReportStatus

logger = logging.getLogger(__name__)

PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PHONE_RE = re.compile(r"^\+?[0-9 ()/\-]{5,30}$")
NAME_MAX = 200


# --- categories ------------------------------------------------------------------------------------


def categories_load_defaults(*, dry_run: bool = False) -> tuple[int, int]:
    """Create or update the default catalogue by slug; returns (created, updated). Never deletes."""
    created = updated = 0
    with transaction.atomic():
        for group_order, (group_slug, group_name, items) in enumerate(GROUPS):
            group, _ = CategoryGroup.objects.update_or_create(
                slug=group_slug, defaults={"name": group_name, "order": group_order}
            )
            for order, item in enumerate(items):
                defaults = {
                    "name": item["name"],
                    "description": item.get("description", ""),
                    "icon": item.get("icon", ""),
                    "default_sla_days": item.get("sla", 14),
                    "keywords": item.get("keywords", ""),
                    "group": group,
                    "order": order,
                }
                obj = Category.objects.filter(slug=item["slug"]).first()
                if obj is None:
                    Category.objects.create(slug=item["slug"], **defaults)
                    created += 1
                elif any(getattr(obj, k) != v for k, v in defaults.items()):
                    for key, value in defaults.items():
                        setattr(obj, key, value)
                    obj.save()
                    updated += 1
        _load_default_attributes()
        if dry_run:
            transaction.set_rollback(True)
    return created, updated


def _load_default_attributes() -> None:
    """Create or update the catalogue's extra questions by (category, code); never deletes (like above)."""
    for slug, definitions in ATTRIBUTES.items():
        category = Category.objects.get(slug=slug)
        for order, item in enumerate(definitions):
            CategoryAttribute.objects.update_or_create(
                category=category,
                code=item["code"],
                defaults={
                    "datatype": item["datatype"],
                    "required": item.get("required", False),
                    "description": item["description"],
                    "datatype_description": item.get("datatype_description", ""),
                    "order": order,
                    "values": item.get("values", []),
                },
            )


def commune_category_setting(ags: str, category: Category) -> CommuneCategorySetting | None:
    return CommuneCategorySetting.objects.filter(ags=ags, category=category).first()


# --- creating a report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoUpload:
    file: BinaryIO
    name: str
    size: int | None = None


@dataclass
class ReportDraft:
    """Raw input from any interface. ``lon``/``lat`` (WGS84) or a GeoJSON ``location`` give the place.

    ``field_names`` maps our names to the interface's (e.g. ``{"lon": "long"}`` for Open311) so that
    error messages point at the fields the client actually sent.
    """

    category: Any = None
    description: Any = None
    lon: Any = None
    lat: Any = None
    location: Any = None
    place: Any = ""
    name: Any = ""
    email: Any = ""
    phone: Any = ""
    photos: Sequence[PhotoUpload] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)  # answers to CategoryAttribute, by code
    channel: str = "api"
    field_names: Mapping[str, str] = field(default_factory=dict)

    def key(self, name: str) -> str:
        return self.field_names.get(name, name)


@dataclass(frozen=True)
class CreatedReport:
    report: Report
    tracking_token: str  # the creator's private link; derived, never stored (see tracking_token_for)
    presented: Any = None  # what ``present`` returned, read inside the creating transaction


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)


def _de_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _validate_texts(draft: ReportDraft, errors: _Errors) -> dict[str, str]:
    description = _text(draft.description).replace("\r\n", "\n")
    if not description:
        errors.add(draft.key("description"), "Bitte beschreiben Sie den Mangel.")
    elif len(description) > DESCRIPTION_MAX:
        errors.add(
            draft.key("description"),
            f"Die Beschreibung darf höchstens {_de_int(DESCRIPTION_MAX)} Zeichen lang sein "
            f"(jetzt {_de_int(len(description))}).",
        )
    place = _text(draft.place)
    if len(place) > PLACE_MAX:
        errors.add(draft.key("place"), f"Die Ortsbeschreibung darf höchstens {PLACE_MAX} Zeichen lang sein.")
    name = _text(draft.name)
    if len(name) > NAME_MAX:
        errors.add(draft.key("name"), f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein.")
    email = _text(draft.email)
    if email and not email_is_valid(email):
        errors.add(
            draft.key("email"), "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."
        )
    phone = _text(draft.phone)
    if phone and not PHONE_RE.match(phone):
        errors.add(
            draft.key("phone"), "Bitte geben Sie eine gültige Telefonnummer an (Ziffern, +, Leerzeichen)."
        )
    return {"description": description, "place": place, "name": name, "email": email, "phone": phone}


def _validate_category(draft: ReportDraft, errors: _Errors) -> Category | None:
    if isinstance(draft.category, Category):
        return draft.category
    slug = _text(draft.category)
    if not slug:
        errors.add(draft.key("category"), "Bitte wählen Sie eine Kategorie.")
        return None
    category = Category.objects.filter(slug=slug, active=True).first()
    if category is None:
        errors.add(draft.key("category"), f"Unbekannte Kategorie „{slug[:60]}“.")
    return category


def _validate_point(draft: ReportDraft, errors: _Errors) -> Point | None:
    try:
        if draft.location not in (None, "", {}):
            return parse_geojson_point(draft.location, field=draft.key("location"))
        if draft.lon in (None, "") and draft.lat in (None, ""):
            errors.add(draft.key("location"), "Bitte geben Sie den Ort an (Karte oder Breiten-/Längengrad).")
            return None
        return parse_lon_lat(draft.lon, draft.lat, lon_field=draft.key("lon"), lat_field=draft.key("lat"))
    except CoordinateError as exc:
        for key, messages in exc.errors.items():
            for message in messages:
                errors.add(key, message)
    return None


def _validate_attributes(draft: ReportDraft, category: Category | None, errors: _Errors) -> dict[str, Any]:
    if category is None:
        return {}
    try:
        return clean_attributes(category, draft.attributes or {}, prefix=draft.key("attributes"))
    except ValidationFailed as exc:
        for key, messages in exc.errors.items():
            for message in messages:
                errors.add(key, message)
    return {}


def _process_photos(draft: ReportDraft, errors: _Errors) -> list[ProcessedPhoto]:
    key = draft.key("photos")
    if len(draft.photos) > MAX_PHOTOS:
        errors.add(key, f"Höchstens {MAX_PHOTOS} Fotos pro Meldung (gesendet: {len(draft.photos)}).")
        return []
    processed = []
    for upload in draft.photos:
        try:
            processed.append(process_photo(upload.file, upload.name, size=upload.size, field=key))
        except PhotoRejected as exc:
            for message in exc.errors[key]:
                errors.add(key, message)
    return processed


def new_public_id() -> str:
    chars = "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(6))
    return f"SN-{chars[:4]}-{chars[4:]}"


def tracking_token_for(report: Report) -> str:
    """The creator's private tracking token: an HMAC of the public id under SECRET_KEY.

    Derived rather than stored, so the e-mails sent on every status change can carry the link and a
    database leak reveals nothing. Rotating SECRET_KEY (with SECRET_KEY_FALLBACKS) keeps old links valid.
    """
    return _token(settings.SECRET_KEY, report.public_id)


def _token(secret: str, public_id: str) -> str:
    digest = hmac.new(secret.encode(), f"track:{public_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def tracking_url(report: Report) -> str:
    return f"{settings.SITE_URL}/meldungen/{report.public_id}/verfolgen/{tracking_token_for(report)}/"


def _due(category: Category, ags: str, created: dt.datetime) -> dt.datetime:
    setting = commune_category_setting(ags, category)
    days = setting.sla_days if setting and setting.sla_days else category.default_sla_days
    return created + dt.timedelta(days=days)


def store_photo(
    report: Report,
    photo: ProcessedPhoto,
    written: list[str],
    *,
    kind: str = PhotoKind.CITIZEN,
    position: int = 0,
) -> ReportPhoto:
    """Write an already processed photo's files and row. ``written`` collects file names for cleanup
    if the surrounding transaction fails."""
    folder = f"reports/{report.created:%Y/%m}"
    stem = uuid.uuid4().hex  # never the uploaded file name
    image_name = default_storage.save(f"{folder}/{stem}.jpg", ContentFile(photo.display))
    written.append(image_name)
    thumb_name = default_storage.save(f"{folder}/{stem}_t.jpg", ContentFile(photo.thumbnail))
    written.append(thumb_name)
    return ReportPhoto.objects.create(
        report=report,
        kind=kind,
        image=image_name,
        thumbnail=thumb_name,
        width=photo.width,
        height=photo.height,
        position=position,
    )


def _store_photos(report: Report, photos: list[ProcessedPhoto], written: list[str], start: int = 0) -> None:
    for position, photo in enumerate(photos, start=start):
        store_photo(report, photo, written, position=position)


def _insert_report(report: Report) -> None:
    """Save with a fresh public id, retrying on the (astronomically rare) collision."""
    for _attempt in range(5):
        report.public_id = new_public_id()
        try:
            with transaction.atomic():
                report.save()
            return
        except IntegrityError:
            if Report.objects.filter(public_id=report.public_id).exists():
                continue
            raise
    raise RuntimeError("could not allocate a unique public id")


def report_create(
    *, draft: ReportDraft, user: Any = None, present: Callable[[Report], Any] | None = None
) -> CreatedReport:
    """Validate ``draft``, assign the commune, store the report with its photos in one transaction.

    Raises :class:`ValidationFailed` with per-field German messages; then nothing is stored. Photos are
    processed before the transaction and their files are removed again if it fails.

    ``present`` (optional) is called with the stored report inside the same transaction, and its result
    is returned as ``presented``: interfaces read their answer back from the database there, not after
    the commit. If that read fails (PostgreSQL went away mid-request), the report is rolled back and its
    files removed, so no client is ever told "error" about a report that was stored — only the commit
    itself remains a step whose outcome a dying connection can hide.
    """
    reject_nul(
        {
            draft.key(name): getattr(draft, name)
            for name in (
                "category",
                "description",
                "lon",
                "lat",
                "location",
                "place",
                "name",
                "email",
                "phone",
            )
        }
    )
    errors = _Errors()
    texts = _validate_texts(draft, errors)
    category = _validate_category(draft, errors)
    point = _validate_point(draft, errors)
    assignment = None
    if point is not None:
        try:
            assignment = assign_point(point, field=draft.key("location"))
        except OutsideSaxony as exc:
            errors.add(draft.key("location"), exc.message)
    if assignment is not None and category is not None:
        setting = commune_category_setting(assignment.commune.ags, category)
        if setting is not None and not setting.enabled:
            errors.add(
                draft.key("category"),
                f"Die Kategorie „{category.name}“ wird von {assignment.commune.name} nicht angeboten.",
            )
    attributes = _validate_attributes(draft, category, errors)
    photos = _process_photos(draft, errors) if not errors else []
    if errors:
        raise ValidationFailed(dict(errors))
    assert point is not None and category is not None and assignment is not None

    now = timezone.now()
    location = to_storage(point)
    report = Report(
        location=location,
        category=category,
        description=texts["description"],
        place=texts["place"],
        reporter_name=texts["name"],
        reporter_email=texts["email"],
        reporter_phone=texts["phone"],
        attributes=attributes,
        commune=assignment.commune,
        district=assignment.district,
        organisation=route(location=location, category_id=category.pk, commune_ags=assignment.commune.ags),
        status=REPORT_WORKFLOW.initial,
        channel=draft.channel,
        created=now,
        due=_due(category, assignment.commune.ags, now),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            _insert_report(report)
            StatusChange.objects.create(report=report, from_status="", to_status=report.status, created=now)
            _store_photos(report, photos, written)
            notify_new_report(report)
            presented = present(report) if present is not None else None
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    logger.info("report %s created in %s (%s)", report.public_id, report.commune.ags, report.channel)
    return CreatedReport(report=report, tracking_token=tracking_token_for(report), presented=presented)


def report_attach_photo(*, report: Report, upload: PhotoUpload, field: str = "photos") -> ReportPhoto:
    """Add one photo to an existing report (an Open311 ``media_url`` the task worker fetched).

    The same pipeline and the same limit of 5 photos as at creation; the report row is locked so two
    workers cannot both add the fifth photo. Raises :class:`ValidationFailed` (``PhotoRejected`` for a bad
    image) and leaves no file behind.
    """
    processed = process_photo(upload.file, upload.name, size=upload.size, field=field)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            count = ReportPhoto.objects.filter(report=locked, kind=PhotoKind.CITIZEN).count()
            if count >= MAX_PHOTOS:
                raise ValidationFailed({field: [f"Höchstens {MAX_PHOTOS} Fotos pro Meldung."]})
            _store_photos(locked, [processed], written, start=count)
            photo = ReportPhoto.objects.filter(report=locked, position=count).latest("id")
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    logger.info("photo added to report %s", report.public_id)
    return photo


# --- supporting ("me too") --------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportResult:
    supporters: int
    added: bool


def client_hash(identity: str) -> str:
    """Keyed hash of a client identity (IP or app id): stable for de-duplication, useless if leaked."""
    return hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256).hexdigest()


MAX_APP_SUPPORTS_PER_ADDRESS = 5


def report_support(*, public_id: str, client_identity: str, address: str = "") -> SupportResult:
    """Add one "me too" per client to an open report; a repeat is not an error but adds nothing.

    ``client_identity`` is an app installation's id or the IP address; ``address`` the IP address. App
    ids are the client's own claim, so a new id per request would add a support each time: from one
    address at most MAX_APP_SUPPORTS_PER_ADDRESS supports per report count (a household or an office
    behind one address still gets a few).
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(public_id=public_id).first()
        if report is None:
            raise NotFound("Meldung nicht gefunden.")
        if not REPORT_WORKFLOW.is_open(report.status):
            raise Conflict(
                "Diese Meldung ist bereits abgeschlossen und kann nicht mehr unterstützt werden.",
                code="report_closed",
            )
        address_hash = client_hash(f"ip:{address}") if address else ""
        if (
            address_hash
            and Support.objects.filter(report=report, address_hash=address_hash).count()
            >= MAX_APP_SUPPORTS_PER_ADDRESS
        ):
            return SupportResult(supporters=report.supporters, added=False)
        _, created = Support.objects.get_or_create(
            report=report, client_hash=client_hash(client_identity), defaults={"address_hash": address_hash}
        )
        if created:
            Report.objects.filter(pk=report.pk).update(supporters=F("supporters") + 1)
            report.refresh_from_db(fields=["supporters"])
    return SupportResult(supporters=report.supporters, added=created)


def tracking_token_matches(report: Report, token: str) -> bool:
    # Tokens are URL-safe base64; hmac.compare_digest raises TypeError for non-ASCII text (e.g. "ä" typed
    # into the link), and such a token can never match anyway.
    if not token.isascii():
        return False
    secrets_to_try = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(_token(secret, report.public_id), token) for secret in secrets_to_try)


__all__ = [
    "CreatedReport",
    "PhotoUpload",
    "ReportDraft",
    "ReportStatus",
    "categories_load_defaults",
    "report_attach_photo",
    "report_create",
    "report_support",
]


def category_setting_set(
    *,
    actor: Any,
    organisation: Any,
    category: Category,
    enabled: bool,
    recipient_email: str,
    sla_days: int | None,
) -> CommuneCategorySetting:
    """A commune's own choice for a category (admin of the commune's organisation)."""
    from organisations.models import OrganisationKind
    from organisations.scoping import require_admin
    from organisations.services import audit

    require_admin(actor, organisation.pk)
    if organisation.kind != OrganisationKind.COMMUNE:
        raise ValidationFailed({"organisation": ["Kategorien stellen nur Gemeinden ein."]})
    if recipient_email and not email_is_valid(recipient_email):
        raise ValidationFailed({"recipient_email": ["Bitte eine gültige Empfänger-E-Mail-Adresse angeben."]})
    with transaction.atomic():
        setting, _ = CommuneCategorySetting.objects.update_or_create(
            ags=organisation.ags,
            category=category,
            defaults={"enabled": enabled, "recipient_email": recipient_email, "sla_days": sla_days},
        )
        audit(
            actor=actor,
            action="category.setting",
            obj=setting,
            organisation=organisation,
            summary=f"{category.name}: {'angeboten' if enabled else 'abgeschaltet'}"
            + (f", an {recipient_email}" if recipient_email else "")
            + (f", Frist {sla_days} Tage" if sla_days else ""),
        )
    return setting
