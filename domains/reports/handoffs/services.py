"""Writes of a hand-off: staff create and revoke it; the outsider reports progress through the link.

The outsider's status change goes through the report's one status path (``triage._move``: history row,
audit, the reporter's and followers' mails, counts), with no user: the history row is tied to the
hand-off by a :class:`HandoffActivity`, which the staff history shows as "extern per Link (<name>)".
Every refusal (expired, revoked, tampered link, a file that is no image) leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from domains.reports.handoffs.models import Handoff, HandoffActivity
from domains.reports.handoffs.selectors import handoffs_visible_to
from domains.reports.models import PhotoKind, Report
from domains.reports.notify import staff_recipient
from domains.reports.photos import process_photo
from domains.reports.services.photos import PhotoUpload, next_photo_position, store_photo
from domains.reports.services.triage import _locked, _move
from domains.reports.workflow import OPEN_STATES, ReportStatus
from kernel.cases.fields import FieldErrors, clean_note, clean_text
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_note
from kernel.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from kernel.notifications.services import email_is_valid, mail_queue
from kernel.organisations.audit import audit, audit_status_change
from kernel.organisations.scoping import require_manager

TOKEN_SALT = "reports.handoff"
# What the outsider may set: start the work and finish it, as a Bauhof crew.
EXTERNAL_TARGETS = (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)
MESSAGE_MAX = 2000


class HandoffGone(DomainError):
    """The link was valid but has expired or was revoked (the page answers 410)."""

    code = "handoff_gone"
    status_code = 410
    default_message = "Dieser Link gilt nicht mehr."


@dataclass(frozen=True)
class HandoffInput:
    name: Any
    email: Any
    due: dt.date | None
    message: Any = ""


def handoff_token(handoff: Handoff) -> str:
    """The secret part of the link: the hand-off, its report and its nonce, signed (SECRET_KEY)."""
    return signing.dumps({"h": handoff.pk, "r": handoff.report_id, "n": handoff.nonce}, salt=TOKEN_SALT)


def handoff_url(handoff: Handoff) -> str:
    return settings.SITE_URL + reverse("web:handoff", args=[handoff.report.public_id, handoff_token(handoff)])


def handoff_for_token(public_id: str, token: str) -> Handoff:
    """The hand-off a link belongs to. :class:`NotFound` for a changed token or a token of another case
    (no hint which), :class:`HandoffGone` for an expired or revoked one or one whose case went to another
    organisation."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise NotFound("Dieser Link ist ungültig.") from None
    if not isinstance(data, dict) or not isinstance(data.get("h"), int):
        raise NotFound("Dieser Link ist ungültig.")
    handoff = (
        Handoff.objects.select_related("report__category", "report__commune", "report__organisation")
        .filter(pk=data["h"], report_id=data.get("r"), nonce=data.get("n"), report__public_id=public_id)
        .first()
    )
    if handoff is None:
        raise NotFound("Dieser Link ist ungültig.")
    _require_live(handoff)
    return handoff


def _require_live(handoff: Handoff) -> None:
    if handoff.revoked is not None:
        raise HandoffGone("Die Verwaltung hat diesen Link widerrufen.", code="revoked")
    if handoff.expires <= timezone.now():
        raise HandoffGone("Dieser Link ist abgelaufen.", code="expired")
    if handoff.report.organisation_id != handoff.organisation_id:
        raise HandoffGone("Die Meldung liegt inzwischen bei einer anderen Stelle.", code="moved")


def _checked(data: HandoffInput) -> tuple[str, str, str, dt.date]:
    errors = FieldErrors()
    name, email = clean_text(data.name), clean_text(data.email)
    if not name:
        errors.add("name", "Bitte geben Sie an, an wen die Meldung geht.")
    elif len(name) > 200:
        errors.add("name", "Der Name darf höchstens 200 Zeichen lang sein.")
    if not email:
        errors.add("email", "Bitte geben Sie die E-Mail-Adresse an, an die der Link geht.")
    elif not email_is_valid(email):
        errors.add("email", "Bitte geben Sie eine gültige E-Mail-Adresse an.")
    message = ""
    try:
        message = clean_note(data.message, "message", limit=MESSAGE_MAX, label="Die Nachricht")
    except ValidationFailed as exc:
        errors.absorb(exc)
    if data.due is None:
        errors.add("due", "Bitte geben Sie an, bis wann die Arbeit erledigt sein soll.")
    elif data.due < timezone.localdate():
        errors.add("due", "Das Datum liegt in der Vergangenheit.")
    errors.raise_if_any()
    assert data.due is not None
    return name, email, message, data.due


def handoff_create(*, actor: Any, public_id: str, data: HandoffInput) -> Handoff:
    """Hand an open report to an outside party and mail them the link (through the outbox)."""
    name, email, message, due = _checked(data)
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        if report.status not in OPEN_STATES:
            raise Conflict("Eine abgeschlossene Meldung kann nicht übergeben werden.", code="closed")
        now = timezone.now()
        handoff = Handoff.objects.create(
            report=report,
            organisation_id=report.organisation_id,
            name=name,
            email=email,
            message=message,
            due=due,
            nonce=secrets.token_hex(16),
            created=now,
            created_by=actor,
            expires=now + dt.timedelta(days=settings.HANDOFF_LINK_DAYS),
        )
        # The address stays on the hand-off row only (listed in docs/privacy.md), not in history or audit.
        note = f"Übergeben an {name}, zu erledigen bis {due:%d.%m.%Y}."
        change = record_note(report, actor, "", note)
        audit_status_change(report, change, actor)
        audit(
            actor=actor,
            action="report.handoff",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Übergeben an {name} bis {due:%d.%m.%Y}",
            handoff=handoff.pk,
        )
        mail_queue(
            kind="report.handoff",
            to=email,
            template="mail/report_handoff.txt",
            context={"handoff": handoff, "report": report, "link": handoff_url(handoff)},
            object_type="report",
            object_id=report.public_id,
        )
    return handoff


def handoff_revoke(*, actor: Any, handoff_id: int) -> Handoff:
    """End a hand-off's link now. Only staff of the organisation that handed it off; for anyone else it
    does not exist (404). Revoking twice changes nothing."""
    found = handoffs_visible_to(actor).filter(pk=handoff_id).first()
    if found is None:
        raise NotFound("Übergabe nicht gefunden.")
    with transaction.atomic():
        report = _locked(actor, found.report.public_id)
        require_manager(actor, report)
        handoff = Handoff.objects.select_for_update().get(pk=found.pk)
        if handoff.revoked is not None:
            return handoff
        handoff.revoked, handoff.revoked_by = timezone.now(), actor
        handoff.save(update_fields=["revoked", "revoked_by"])
        change = record_note(report, actor, "", f"Übergabe an {handoff.name} widerrufen.")
        audit_status_change(report, change, actor)
        audit(
            actor=actor,
            action="report.handoff_revoke",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Übergabe an {handoff.name} widerrufen",
            handoff=handoff.pk,
        )
    return handoff


def _external_input(status: Any, note: Any, photo: PhotoUpload | None) -> tuple[str, str, Any]:
    errors = FieldErrors()
    status = clean_text(status)
    if status and status not in EXTERNAL_TARGETS:
        errors.add("status", "Bitte wählen Sie „In Arbeit“ oder „Erledigt“.")
    try:
        note = clean_note(note, "note")
    except ValidationFailed as exc:
        note = ""
        errors.absorb(exc)
    processed = None
    if photo is not None:
        try:
            processed = process_photo(photo.file, photo.name, size=photo.size, field="photo")
        except ValidationFailed as exc:
            errors.absorb(exc)
    errors.raise_if_any()
    if not status and not note and processed is None:
        raise ValidationFailed({"note": ["Bitte wählen Sie einen Stand oder schreiben Sie eine Notiz."]})
    return status, note, processed


def handoff_external_update(
    *, public_id: str, token: str, status: Any = "", note: Any = "", photo: PhotoUpload | None = None
) -> Handoff:
    """The outsider sets "In Arbeit"/"Erledigt", adds an (internal) note and/or an after-photo.

    A status the case already has is no move: with a note it is a note, alone it changes nothing (a
    form sent twice). The link is checked again under the row lock, so a revoke that commits first wins.
    """
    status, note, processed = _external_input(status, note, photo)
    handoff = handoff_for_token(public_id, token)
    with files_for_transaction() as files, transaction.atomic():
        handoff = Handoff.objects.select_for_update().select_related("report").get(pk=handoff.pk)
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("organisation", "category", "commune")
            .get(pk=handoff.report_id)
        )
        handoff.report = report
        _require_live(handoff)
        internal = f"{handoff.label}: {note}" if note else ""
        change = None
        if status and status != report.status:
            change = _move(report, None, status, "", internal)
        elif note:
            change = record_note(report, None, "", internal)
            audit_status_change(report, change, None)
        stored = None
        if processed is not None:
            position = next_photo_position(report, kind=PhotoKind.AFTER)
            if position is None:
                raise Conflict("Zu dieser Meldung gibt es schon zu viele Fotos.", code="too_many_photos")
            stored = store_photo(report, processed, files, kind=PhotoKind.AFTER, position=position)
        if change is None and stored is None:
            return handoff
        HandoffActivity.objects.create(handoff=handoff, change=change, photo=stored)
        handoff.last_activity = timezone.now()
        handoff.save(update_fields=["last_activity"])
        what = _summary(change, stored is not None)
        audit(
            actor=None,
            action="report.handoff_update",
            obj=report,
            organisation=report.organisation_id,
            summary=f"{handoff.label}: {what}",
            handoff=handoff.pk,
        )
        _notify_staff(handoff, report, what, note)
    return handoff


def _summary(change: Any, photo: bool) -> str:
    parts = []
    if change is not None and change.from_status != change.to_status:
        parts.append(f"Status „{ReportStatus(change.to_status).label}“")
    elif change is not None:
        parts.append("Notiz")
    if photo:
        parts.append("Foto nach der Erledigung")
    return ", ".join(parts)


def _notify_staff(handoff: Handoff, report: Report, what: str, note: str) -> None:
    """The person who handed off hears of it, or — without an address — the organisation's recipient."""
    creator_email = getattr(handoff.created_by, "email", "") if handoff.created_by_id else ""
    to = creator_email or staff_recipient(report)[0]
    mail_queue(
        kind="report.handoff_update",
        to=to,
        template="mail/report_handoff_update.txt",
        context={
            "handoff": handoff,
            "report": report,
            "what": what,
            "note": note,
            "staff_url": settings.SITE_URL + reverse("staff:report", args=[report.public_id]),
        },
        object_type="report",
        object_id=report.public_id,
    )
