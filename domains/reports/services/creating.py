"""Creating a report. Every interface (REST, Open311, web form) calls :func:`report_create`.

Validation lives here too, so the same input gets the same German message everywhere.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from domains.reports.attributes import clean_attributes
from domains.reports.danger import danger_notice
from domains.reports.deadlines import report_due
from domains.reports.idempotency.services import IdempotencyClaim, claim_for, claim_record, claimed_report_id
from domains.reports.models import DESCRIPTION_MAX, PLACE_MAX, STAFF_CHANNELS, Category, Report, ReportChannel
from domains.reports.notify import notify_new_report, notify_reporter_receipt, report_created
from domains.reports.photos import MAX_PHOTOS, PhotoRejected, ProcessedPhoto, process_photo
from domains.reports.services.categories import commune_category_setting
from domains.reports.services.photos import PhotoUpload, store_photos
from domains.reports.services.review import hold_note, hold_reason
from domains.reports.tiles.counts import report_added
from kernel.addresses.selectors import nearest
from kernel.boundaries.assignment import Assignment, OutsideSaxony, assign_point
from kernel.boundaries.models import Commune
from kernel.boundaries.selectors import search_centre_of
from kernel.cases.fields import PHONE_RE, FieldErrors, clean_text
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_creation, record_note
from kernel.cases.public_ids import insert_with_public_id
from kernel.cases.tracking import tracking_token
from kernel.core.errors import ValidationFailed, reject_nul
from kernel.geo.coords import CoordinateError, parse_geojson_point, parse_lon_lat, to_storage
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.scoping import in_own_communes, scope_of
from kernel.organisations.services import route

logger = logging.getLogger(__name__)

NAME_MAX = 200
DRAFT_FIELDS = (
    "category", "description", "lon", "lat", "location", "place", "name", "email", "phone", "channel",
)  # fmt: skip


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
    channel: Any = ReportChannel.API  # a ReportChannel value; staff channels only with a staff ``user``
    field_names: Mapping[str, str] = field(default_factory=dict)
    # A retry of the same request gets the same report (``domains.reports.idempotency``); "" = none.
    idempotency_key: str = ""
    idempotency_client: str = ""  # who chose the key (API account or key id); "" for the web form's own

    def key(self, name: str) -> str:
        return self.field_names.get(name, name)


@dataclass(frozen=True)
class CreatedReport:
    report: Report
    tracking_token: str  # the creator's private link; derived, never stored (see kernel.cases.tracking)
    presented: Any = None  # what ``present`` returned, read inside the creating transaction
    replayed: bool = False  # the same idempotency key and content again: the report created before


def _de_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _validate_texts(draft: ReportDraft, errors: FieldErrors) -> dict[str, str]:
    description = clean_text(draft.description).replace("\r\n", "\n")
    if not description:
        errors.add(draft.key("description"), "Bitte beschreiben Sie den Mangel.")
    elif len(description) > DESCRIPTION_MAX:
        errors.add(
            draft.key("description"),
            f"Die Beschreibung darf höchstens {_de_int(DESCRIPTION_MAX)} Zeichen lang sein "
            f"(jetzt {_de_int(len(description))}).",
        )
    place = clean_text(draft.place)
    if len(place) > PLACE_MAX:
        errors.add(draft.key("place"), f"Die Ortsbeschreibung darf höchstens {PLACE_MAX} Zeichen lang sein.")
    name = clean_text(draft.name)
    if len(name) > NAME_MAX:
        errors.add(draft.key("name"), f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein.")
    email = clean_text(draft.email)
    if email and not email_is_valid(email):
        errors.add(
            draft.key("email"), "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."
        )
    phone = clean_text(draft.phone)
    if phone and not PHONE_RE.match(phone):
        errors.add(
            draft.key("phone"), "Bitte geben Sie eine gültige Telefonnummer an (Ziffern, +, Leerzeichen)."
        )
    return {"description": description, "place": place, "name": name, "email": email, "phone": phone}


def _validate_category(draft: ReportDraft, errors: FieldErrors) -> Category | None:
    if isinstance(draft.category, Category):
        return draft.category
    slug = clean_text(draft.category)
    if not slug:
        errors.add(draft.key("category"), "Bitte wählen Sie eine Kategorie.")
        return None
    category = Category.objects.filter(slug=slug, active=True).first()
    if category is None:
        errors.add(draft.key("category"), f"Unbekannte Kategorie „{slug[:60]}“.")
    return category


def _validate_point(draft: ReportDraft, errors: FieldErrors) -> Point | None:
    try:
        if draft.location not in (None, "", {}):
            return parse_geojson_point(draft.location, field=draft.key("location"))
        if draft.lon in (None, "") and draft.lat in (None, ""):
            errors.add(draft.key("location"), "Bitte geben Sie den Ort an (Karte oder Breiten-/Längengrad).")
            return None
        return parse_lon_lat(draft.lon, draft.lat, lon_field=draft.key("lon"), lat_field=draft.key("lat"))
    except CoordinateError as exc:
        errors.absorb(exc)
    return None


def _validate_attributes(
    draft: ReportDraft, category: Category | None, errors: FieldErrors
) -> dict[str, Any]:
    if category is None:
        return {}
    try:
        return clean_attributes(category, draft.attributes or {}, prefix=draft.key("attributes"))
    except ValidationFailed as exc:
        errors.absorb(exc)
    return {}


def _process_photos(draft: ReportDraft, errors: FieldErrors) -> list[ProcessedPhoto]:
    key = draft.key("photos")
    if len(draft.photos) > MAX_PHOTOS:
        errors.add(key, f"Höchstens {MAX_PHOTOS} Fotos pro Meldung (gesendet: {len(draft.photos)}).")
        return []
    processed = []
    for upload in draft.photos:
        try:
            processed.append(process_photo(upload.file, upload.name, size=upload.size, field=key))
        except PhotoRejected as exc:
            errors.absorb(exc)
    return processed


def _due(category: Category, ags: str, created: dt.datetime) -> dt.datetime:
    """Working or calendar days per the commune's or the catalogue's rule, due at the end of a Berlin day."""
    return report_due(category, ags, created)


def _validate_place(draft: ReportDraft, point: Point | None, errors: FieldErrors) -> Assignment | None:
    """The responsible commune of ``point``; refused outside Saxony and at the centre the place search
    gives a commune or district: that point means "somewhere in Dresden" (a commune chosen in the search
    without house addresses), and a report there would send the crew to the town hall's square."""
    if point is None:
        return None
    try:
        assignment = assign_point(point, field=draft.key("location"))
    except OutsideSaxony as exc:
        errors.add(draft.key("location"), exc.message)
        return None
    area = search_centre_of(to_storage(point))
    if area is not None:
        errors.add(
            draft.key("location"),
            f"Dieser Punkt ist die Mitte von „{area}“, wie die Suche sie zeigt – nicht der Ort des Mangels. "
            "Bitte tippen Sie auf der Karte auf die genaue Stelle oder suchen Sie Straße und Hausnummer.",
        )
    return assignment


@dataclass(frozen=True)
class ValidReport:
    """Everything :func:`report_create` checked, ready to store."""

    texts: dict[str, str]
    category: Category
    point: Point  # EPSG:4326, as given
    assignment: Assignment
    attributes: dict[str, Any]
    photos: list[ProcessedPhoto]


def _validate_channel(draft: ReportDraft, user: Any, errors: FieldErrors) -> None:
    """A known channel; phone, counter, letter and e-mail only for case-managing staff (they enter the
    report for a caller), so no client can claim "Telefon" for its own report."""
    channel = draft.channel if isinstance(draft.channel, str) else None
    if channel not in ReportChannel.values:
        allowed = ", ".join(f"„{ReportChannel(c).label}“ ({c})" for c in STAFF_CHANNELS)
        what = "Bitte wählen Sie den Eingangskanal" if channel == "" else "Unbekannter Eingangskanal"
        errors.add(draft.key("channel"), f"{what}: möglich sind {allowed}.")
    elif channel in STAFF_CHANNELS and not scope_of(user).manager_org_ids:
        errors.add(
            draft.key("channel"),
            "Meldungen für andere aufnehmen dürfen nur Sachbearbeitung und Administration.",
        )


def _validate_intake_scope(
    draft: ReportDraft, user: Any, assignment: Assignment, organisation: Any, errors: FieldErrors
) -> None:
    """Staff enter reports in their own area only: the point lies in a commune of one of their
    case-managing organisations (a district's staff: its communes), or the report is routed to one of
    them. Inside that area the report is routed as usual (a street light may go to the utility). A point
    elsewhere is refused with the responsible commune named: the caller is sent there, and no report is
    stored that its creator could not see a second later."""
    if organisation.pk in scope_of(user).manager_org_ids:
        return
    commune = assignment.commune
    if Commune.objects.filter(in_own_communes(user, ags_field="ags"), pk=commune.pk).exists():
        return
    errors.add(
        draft.key("location"),
        f"Dieser Ort liegt in {commune.name}, außerhalb Ihres Zuständigkeitsgebiets. Bitte verweisen Sie "
        f"die meldende Person an {organisation.name} oder an die Online-Meldung.",
    )


def _validate_danger(
    draft: ReportDraft, category: Category | None, assignment: Assignment | None, errors: FieldErrors
) -> None:
    """A blocking danger category is refused at the category field with the emergency numbers (the
    commune's on-call number when the place is known): nothing is stored, every interface says the same."""
    if category is None:
        return
    notice = danger_notice(category, assignment.commune.ags if assignment is not None else None)
    if notice is not None and notice.blocks:
        errors.add(draft.key("category"), notice.text)


def _validate(draft: ReportDraft, user: Any = None) -> ValidReport:
    """All checks at once, so a person sees every problem; raises ValidationFailed, stores nothing."""
    reject_nul({draft.key(name): getattr(draft, name) for name in DRAFT_FIELDS})
    errors = FieldErrors()
    _validate_channel(draft, user, errors)
    texts = _validate_texts(draft, errors)
    category = _validate_category(draft, errors)
    point = _validate_point(draft, errors)
    assignment = _validate_place(draft, point, errors)
    staff_intake = isinstance(draft.channel, str) and draft.channel in STAFF_CHANNELS
    if assignment is not None and category is not None and staff_intake and scope_of(user).manager_org_ids:
        organisation = route(
            location=to_storage(point), category_id=category.pk, commune_ags=assignment.commune.ags
        )
        _validate_intake_scope(draft, user, assignment, organisation, errors)
    if assignment is not None and category is not None:
        setting = commune_category_setting(assignment.commune.ags, category)
        if setting is not None and not setting.enabled:
            errors.add(
                draft.key("category"),
                f"Die Kategorie „{category.name}“ wird von {assignment.commune.name} nicht angeboten.",
            )
    _validate_danger(draft, category, assignment, errors)
    attributes = _validate_attributes(draft, category, errors)
    photos = _process_photos(draft, errors) if not errors else []
    errors.raise_if_any()
    assert point is not None and category is not None and assignment is not None
    return ValidReport(texts, category, point, assignment, attributes, photos)


def _new_report(valid: ValidReport, draft: ReportDraft, user: Any, *, held: bool) -> Report:
    now = timezone.now()
    location = to_storage(valid.point)
    commune, texts = valid.assignment.commune, valid.texts
    near = nearest(location)
    return Report(
        held_for_review=held,
        location=location,
        nearest_address=near.label if near else "",
        nearest_address_id=near.address_key if near else "",
        category=valid.category,
        description=texts["description"],
        place=texts["place"],
        reporter_name=texts["name"],
        reporter_email=texts["email"],
        reporter_phone=texts["phone"],
        attributes=valid.attributes,
        commune=commune,
        district=valid.assignment.district,
        organisation=route(location=location, category_id=valid.category.pk, commune_ags=commune.ags),
        status=Report.workflow.initial,
        channel=draft.channel,
        created=now,
        due=_due(valid.category, commune.ags, now),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _audit_intake(report: Report, user: Any, note: str) -> None:
    contact = "mit Kontaktangaben" if report.reporter_email or report.reporter_phone else "ohne Kontakt"
    audit(
        actor=user,
        action="report.intake",
        obj=report,
        organisation=report.organisation,
        summary=f"{note[:-1]} ({contact})",
        channel=report.channel,
    )


def _claim(draft: ReportDraft) -> IdempotencyClaim | None:
    if not draft.idempotency_key:
        return None
    scope = f"{draft.channel}:{draft.idempotency_client}"
    return claim_for(key=draft.idempotency_key, scope=scope, draft=draft, fields=DRAFT_FIELDS)


def _replay(report_id: int, present: Callable[[Report], Any] | None) -> CreatedReport:
    """The answer for a retried request: the report created the first time, presented as then."""
    with transaction.atomic():
        report = Report.objects.select_related("commune", "category").get(pk=report_id)
        presented = present(report) if present is not None else None
    logger.info("report %s replayed for its idempotency key", report.public_id)
    return CreatedReport(
        report=report,
        tracking_token=tracking_token(Report, report.public_id),
        presented=presented,
        replayed=True,
    )


def report_create(
    *,
    draft: ReportDraft,
    user: Any = None,
    account: Any = None,
    present: Callable[[Report], Any] | None = None,
) -> CreatedReport:
    """Validate ``draft``, assign the commune, store the report with its photos in one transaction.

    Raises :class:`ValidationFailed` with per-field German messages; then nothing is stored. Photos are
    processed before the transaction and their files are removed again if it fails.

    ``present`` (optional) is called with the stored report inside the same transaction, and its result
    is returned as ``presented``: interfaces read their answer back from the database there, not after
    the commit. If that read fails (PostgreSQL went away mid-request), the report is rolled back and its
    files removed, so no client is ever told "error" about a report that was stored — only the commit
    itself remains a step whose outcome a dying connection can hide.

    With ``draft.idempotency_key`` that step is safe to repeat: the same key and content again returns
    the report stored the first time (``replayed``), other content with the key raises ``Conflict`` (409).
    """
    claim = _claim(draft)
    if claim is not None and (earlier := claimed_report_id(claim)) is not None:
        return _replay(earlier, present)
    valid = _validate(draft, user)
    held = hold_reason(
        category=valid.category,
        ags=valid.assignment.commune.ags,
        email=valid.texts["email"],
        channel=draft.channel,
    )
    report = _new_report(valid, draft, user, held=bool(held))
    report.account = account  # the signed-in citizen (citizens/), None when anonymous
    intake_note = STAFF_CHANNELS.get(report.channel, "")
    with files_for_transaction() as files, transaction.atomic():
        if claim is not None and (earlier := claimed_report_id(claim, lock=True)) is not None:
            return _replay(earlier, present)  # a twin request was faster; nothing written yet
        insert_with_public_id(report, Report.public_id_prefix)
        if claim is not None:
            claim_record(claim, report.pk)
        record_creation(report, actor=user if intake_note else None, public_note=intake_note)
        if intake_note:  # staff entered it for a caller: who did, in the audit log
            _audit_intake(report, user, intake_note)
        if held:  # checked before publishing: why, for staff (``domains.reports.services.review``)
            record_note(report, None, "", hold_note(held))
        store_photos(report, valid.photos, files)
        notify_new_report(report)  # the commune's mail
        notify_reporter_receipt(report)  # the reporter's receipt with the tracking link, if an address
        if not held:  # a held report's alerts go out on release
            report_created.send(sender=Report, report=report)  # subscriptions: immediate area alerts
        report_added(report)  # last: holds its count row's lock for the shortest time
        presented = present(report) if present is not None else None
    logger.info("report %s created in %s (%s)", report.public_id, report.commune.ags, report.channel)
    return CreatedReport(
        report=report, tracking_token=tracking_token(Report, report.public_id), presented=presented
    )
