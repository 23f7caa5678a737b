"""Citizens' updates (Ergänzungen) to a public report: submitted with an e-mail address, counted only once
that address is confirmed by link, then published at once or after staff approval (the organisation's
``update_moderation``: "post" or "pre"). Staff of the report's organisation can hide or approve one.

The update's photo goes through the same pipeline as every report photo and is stored hidden; it becomes
public with the update and is hidden again with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from domains.reports.models import CitizenUpdate, Report, ReportPhoto, UpdateState
from domains.reports.notify import notify_citizen
from domains.reports.participation.models import CITIZEN_TEXT_MAX
from domains.reports.personal_data import UNCONFIRMED_DAYS
from domains.reports.photos import process_photo
from domains.reports.services.photos import PhotoUpload, next_photo_position, store_photo
from kernel.cases.fields import FieldErrors, clean_note, clean_text
from kernel.cases.files import files_for_transaction
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.scoping import get_visible, require_manager

CONFIRM_SALT = "reports.update-confirm"
UNPUBLISHED = "Ergänzung noch nicht veröffentlicht"


def _checked(text: Any, email: Any, photo: PhotoUpload | None) -> tuple[str, str, Any]:
    errors = FieldErrors()
    text, email = clean_text(text), clean_text(email)
    if not text:
        errors.add("text", "Bitte schreiben Sie, was Sie ergänzen möchten.")
    elif len(text) > CITIZEN_TEXT_MAX:
        errors.add("text", "Die Ergänzung darf höchstens 2.000 Zeichen lang sein.")
    if not email:
        errors.add(
            "email", "Bitte geben Sie Ihre E-Mail-Adresse an: Die Ergänzung zählt erst nach Bestätigung."
        )
    elif not email_is_valid(email):
        errors.add("email", "Bitte geben Sie eine gültige E-Mail-Adresse an.")
    processed = None
    if photo is not None:
        try:
            processed = process_photo(photo.file, photo.name, size=photo.size, field="photo")
        except ValidationFailed as exc:
            errors.absorb(exc)
    errors.raise_if_any()
    return text, email, processed


def update_confirm_url(update: CitizenUpdate) -> str:
    token = signing.dumps(update.pk, salt=CONFIRM_SALT)
    return settings.SITE_URL + reverse("web:update-confirm", args=[update.report.public_id, token])


def update_for_token(public_id: str, token: str) -> CitizenUpdate | None:
    """The update a confirmation link belongs to; None for a changed, foreign or expired (7 days) link."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=UNCONFIRMED_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return CitizenUpdate.objects.select_related("report").filter(pk=pk, report__public_id=public_id).first()


def update_submit(
    *, public_id: str, text: Any, email: Any, photo: PhotoUpload | None = None
) -> CitizenUpdate:
    """Store an unconfirmed update and mail its author the confirmation link."""
    text, email, processed = _checked(text, email, photo)
    with files_for_transaction() as files, transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("category", "commune")
            .filter(public_id=public_id)
            .first()
        )
        if report is None:
            raise NotFound("Meldung nicht gefunden.")
        stored = None
        if processed is not None:
            position = next_photo_position(report)
            if position is None:
                raise ValidationFailed({"photo": ["Zu dieser Meldung gibt es schon zu viele Fotos."]})
            stored = store_photo(report, processed, files, position=position, hidden_reason=UNPUBLISHED)
        update = CitizenUpdate.objects.create(report=report, text=text, email=email, photo=stored)
        notify_citizen(
            kind="report.update_confirm",
            to=email,
            template="mail/update_confirm.txt",
            report=report,
            confirm_url=update_confirm_url(update),
            days=UNCONFIRMED_DAYS,
        )
    return update


def _publish(update: CitizenUpdate, state: str, reason: str = "") -> None:
    update.state, update.moderation_reason = state, reason[:300]
    update.save(update_fields=["state", "moderation_reason", "confirmed"])
    if update.photo_id:
        public = state == UpdateState.PUBLISHED
        ReportPhoto.objects.filter(pk=update.photo_id).update(
            hidden=not public, hidden_reason="" if public else (reason[:300] or UNPUBLISHED)
        )


def update_confirm(*, update_id: int) -> CitizenUpdate:
    """The author opened the link: the update counts. Confirming twice changes nothing."""
    with transaction.atomic():
        update = (
            CitizenUpdate.objects.select_for_update().select_related("report__organisation").get(pk=update_id)
        )
        if update.state != UpdateState.UNCONFIRMED:
            return update
        update.confirmed = timezone.now()
        post = update.report.organisation.update_moderation == "post"
        _publish(update, UpdateState.PUBLISHED if post else UpdateState.PENDING)
        audit(
            actor=None,
            action="report.update_confirmed",
            obj=update.report,
            organisation=update.report.organisation_id,
            summary="Ergänzung bestätigt: " + ("veröffentlicht" if post else "wartet auf Freigabe"),
            update=update.pk,
        )
    return update


def update_moderate(*, actor: Any, update_id: int, publish: bool, reason: Any = "") -> CitizenUpdate:
    """Approve (publish) or hide an update; only caseworkers and admins of the report's organisation —
    anyone else gets 404, as for the report itself."""
    reason = clean_note(reason, "reason", limit=300, label="Der Grund")
    update = CitizenUpdate.objects.filter(pk=update_id).first()
    if update is None:
        raise NotFound("Ergänzung nicht gefunden.")
    report = get_visible(actor, Report.objects.all(), pk=update.report_id)
    require_manager(actor, report)
    with transaction.atomic():
        update = CitizenUpdate.objects.select_for_update().get(pk=update_id)
        if update.state == UpdateState.UNCONFIRMED:
            raise Conflict("Die Ergänzung ist noch nicht per E-Mail bestätigt.", code="unconfirmed")
        _publish(update, UpdateState.PUBLISHED if publish else UpdateState.HIDDEN, "" if publish else reason)
        audit(
            actor=actor,
            action="report.update_moderate",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Ergänzung {'freigegeben' if publish else 'verborgen'}"
            + (f". Grund: {reason}" if reason else ""),
            update=update.pk,
        )
    return update
