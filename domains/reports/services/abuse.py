"""Notices of illegal content („Missbrauch melden“, Art. 16 DSA) about a public report's text, a photo or
an update, and the organisation's decision on them (Art. 17 DSA: a statement of reasons to the notifier).

A notice goes to the moderation queue of the report's organisation (``domains.reports.participation.selectors``).
Staff decide: hide the content (through the existing moderation, so it is hidden everywhere at once) or
reject the notice. Both are audited; a notifier who gave an address gets a receipt and the decision.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from domains.reports.models import (
    AbuseNotice,
    CitizenUpdate,
    NoticeDecision,
    NoticeReason,
    Report,
    ReportPhoto,
    UpdateState,
)
from domains.reports.notify import notify_citizen, notify_notice
from domains.reports.participation.models import CITIZEN_TEXT_MAX
from domains.reports.services.citizen_updates import update_moderate
from domains.reports.services.triage import report_moderate
from kernel.cases.fields import FieldErrors, clean_note, clean_text
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.scoping import get_visible, require_manager


def _checked(reason: Any, text: Any, email: Any, good_faith: bool) -> tuple[str, str, str]:
    errors = FieldErrors()
    if not good_faith:  # Art. 16(2)(d) DSA: a notice states the notifier's good faith
        errors.add(
            "good_faith",
            "Bitte bestätigen Sie, dass Ihre Angaben nach bestem Wissen richtig und vollständig sind.",
        )
    reason, text, email = clean_text(reason), clean_text(text), clean_text(email)
    if reason not in NoticeReason.values:
        errors.add("reason", "Bitte wählen Sie einen Grund.")
    if len(text) > CITIZEN_TEXT_MAX:
        errors.add("text", "Die Begründung darf höchstens 2.000 Zeichen lang sein.")
    elif reason == NoticeReason.OTHER and not text:
        errors.add("text", "Bitte begründen Sie kurz, warum der Inhalt rechtswidrig ist.")
    if email and not email_is_valid(email):
        errors.add("email", "Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer.")
    errors.raise_if_any()
    return reason, text, email


def notice_target(report: Report, *, photo_id: int | None, update_id: int | None) -> tuple[Any, Any]:
    """The public photo or published update of ``report`` a notice is about (None, None: the text)."""
    photo = update = None
    if photo_id is not None:
        photo = ReportPhoto.objects.filter(pk=photo_id, report=report, hidden=False).first()
        if photo is None:
            raise NotFound("Foto nicht gefunden.")
    if update_id is not None:
        update = CitizenUpdate.objects.filter(
            pk=update_id, report=report, state=UpdateState.PUBLISHED
        ).first()
        if update is None:
            raise NotFound("Ergänzung nicht gefunden.")
    return photo, update


def notice_submit(
    *, public_id: str, reason: Any, text: Any = "", email: Any = "", photo_id: int | None = None,
    update_id: int | None = None, good_faith: bool = False,
) -> AbuseNotice:  # fmt: skip
    reason, text, email = _checked(reason, text, email, good_faith)
    with transaction.atomic():
        report = Report.objects.select_related("category", "commune").filter(public_id=public_id).first()
        if report is None:
            raise NotFound("Meldung nicht gefunden.")
        photo, update = notice_target(report, photo_id=photo_id, update_id=update_id)
        notice = AbuseNotice.objects.create(
            report=report, photo=photo, update=update, reason=reason, text=text, email=email
        )
        audit(
            actor=None,
            action="report.notice",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Hinweis auf rechtswidrige Inhalte ({notice.target_label}): {NoticeReason(reason).label}",
            notice=notice.pk,
        )
        notify_notice(report, notice)
        if email:
            notify_citizen(
                kind="report.notice_received", to=email, template="mail/notice_received.txt",
                report=report, notice=notice,
            )  # fmt: skip
    return notice


def _hide_target(actor: Any, notice: AbuseNotice, reason: str) -> None:
    report = notice.report
    if notice.update_id:
        if notice.update.state != UpdateState.HIDDEN:
            update_moderate(actor=actor, update_id=notice.update_id, publish=False, reason=reason)
    elif notice.photo_id:
        if not notice.photo.hidden:
            report_moderate(
                actor=actor, public_id=report.public_id, reason=reason, photo_ids=[notice.photo_id]
            )
    elif not report.description_hidden:
        report_moderate(actor=actor, public_id=report.public_id, reason=reason, hide_description=True)


def notice_decide(*, actor: Any, notice_id: int, decision: str, note: Any = "") -> AbuseNotice:
    """Hide the content or reject the notice; staff of another organisation get 404."""
    note = clean_note(note, "note", limit=2000, label="Die Begründung")
    if decision not in (NoticeDecision.HIDDEN, NoticeDecision.REJECTED):
        raise ValidationFailed({"decision": ["Bitte „Inhalt verbergen“ oder „Hinweis ablehnen“ wählen."]})
    if not note:
        raise ValidationFailed(
            {"note": ["Bitte begründen Sie die Entscheidung; die meldende Person erfährt sie."]}
        )
    notice = AbuseNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("Hinweis nicht gefunden.")
    report = get_visible(actor, Report.objects.all(), pk=notice.report_id)
    require_manager(actor, report)
    with transaction.atomic():
        notice = (
            AbuseNotice.objects.select_for_update(of=("self",))
            .select_related("report", "photo", "update")
            .get(pk=notice_id)
        )
        if notice.decision:
            raise Conflict("Über diesen Hinweis wurde schon entschieden.", code="already_decided")
        if decision == NoticeDecision.HIDDEN:
            _hide_target(actor, notice, f"Hinweis Nr. {notice.pk}: {note}")
        notice.decision, notice.decided, notice.decided_by, notice.decision_note = (
            decision, timezone.now(), actor, note,
        )  # fmt: skip
        notice.save(update_fields=["decision", "decided", "decided_by", "decision_note"])
        audit(
            actor=actor,
            action="report.notice_decide",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Hinweis Nr. {notice.pk} ({notice.target_label}): {NoticeDecision(decision).label}. {note}"[
                :500
            ],
            notice=notice.pk,
            decision=decision,
        )
        if notice.email:
            notify_citizen(
                kind="report.notice_decided", to=notice.email, template="mail/notice_decided.txt",
                report=report, notice=notice, decision_label=NoticeDecision(decision).label,
            )  # fmt: skip
    return notice
