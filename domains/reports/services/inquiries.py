"""Rückfrage (issue 30.3): staff ask the reporter a question, the reporter answers through a signed link.

Asking (``inquiry_ask``): only with the reporter's e-mail address. The report moves to „Rückfrage“
through the kernel's one write path, its deadline clock stops (``Report.clock_paused_since``), an
:class:`Inquiry` row holds the question, and the reporter gets it by mail with a link signed over the
inquiry's id and a random nonce (``django.core.signing``): it works for ``ANSWER_DAYS`` days, for one
answer and only while the inquiry is open.

Answering (``inquiry_answer``): text (required) and optionally a photo through the report photo pipeline
(a file that is not an image is refused before anything is written). The report goes back to the status
it had (or „In Prüfung“ if it was only „Eingegangen“), the clock resumes, the answer is in the public or
the internal history as staff chose, and the organisation is told.

Resuming the clock is one small function, :func:`_resume_clock`: it adds the paused whole calendar days to
``due``. Any legal move out of „Rückfrage“ by staff (``domains.reports.services.triage``) ends the pause
the same way (:func:`inquiry_pause_end`) and closes the open inquiry; the link then says so.

Reminder (``inquiry_reminders_send``, a daily job): once per inquiry, ``Organisation.inquiry_reminder_days``
after asking, if still unanswered; the ``reminded`` column makes it once however often the job runs.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from domains.reports.deadlines import report_due_after_pause
from domains.reports.models import Inquiry, Report
from domains.reports.notify import notify_inquiry, notify_inquiry_answered
from domains.reports.participation.models import CITIZEN_TEXT_MAX
from domains.reports.photos import process_photo
from domains.reports.services.photos import PhotoUpload, next_photo_position, store_photo
from domains.reports.tiles.counts import report_moved
from domains.reports.workflow import ASKING_FROM, REPORT_WORKFLOW, ReportStatus
from kernel.cases.fields import clean_note
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_status_change
from kernel.core.errors import Conflict, ValidationFailed
from kernel.organisations.audit import audit, audit_status_change
from kernel.organisations.scoping import get_visible, require_manager

ANSWER_DAYS = 30
SALT = "reports.inquiry"
ASKED_NOTE = "Wir haben der meldenden Person eine Rückfrage gestellt; bis zur Antwort ruht die Frist."
ANSWERED_NOTE = "Die meldende Person hat auf die Rückfrage geantwortet."
NO_ADDRESS = (
    "Zu dieser Meldung gibt es keine E-Mail-Adresse der meldenden Person; eine Rückfrage ist nicht möglich."
)
HIDDEN_PHOTO_REASON = "Foto aus einer internen Antwort auf eine Rückfrage"


def _resume_clock(report: Report, paused_since: dt.datetime, now: dt.datetime) -> None:
    """Move ``report.due`` on by the paused days, in the unit of the category's deadline rule (working days
    without Saxony's holidays, or calendar days; ``domains.reports.deadlines.report_due_after_pause``): a
    case waiting three working days for the reporter's answer is due three working days later. The one
    place that knows that a pause extends a deadline."""
    if report.due is None:
        return
    report.due = report_due_after_pause(report, paused_from=paused_since, paused_until=now)


def inquiry_pause_end(report: Report, now: dt.datetime | None = None) -> tuple[str, ...]:
    """End the pause of a report leaving „Rückfrage“ (the caller holds its row lock): close its open
    inquiry and resume the clock. Returns the report fields to save with the status change."""
    now = now or timezone.now()
    Inquiry.objects.filter(report=report, closed__isnull=True).update(closed=now)
    if report.clock_paused_since is None:
        return ()
    _resume_clock(report, report.clock_paused_since, now)
    report.clock_paused_since = None
    return ("due", "clock_paused_since")


def inquiry_token(inquiry: Inquiry) -> str:
    return signing.dumps([inquiry.pk, inquiry.nonce], salt=SALT)


def inquiry_url(inquiry: Inquiry, public_id: str) -> str:
    return settings.SITE_URL + reverse("web:inquiry", args=[public_id, inquiry_token(inquiry)])


def inquiry_open_path(report: Report) -> str:
    """The answer page of the report's open Rückfrage ("" if none): the reporter's tracking page offers
    it too, for a reporter who lost the mail (that page is itself behind the reporter's secret link)."""
    if report.status != ReportStatus.INQUIRY:
        return ""
    inquiry = Inquiry.objects.filter(report=report, closed__isnull=True, answered__isnull=True).last()
    if inquiry is None or inquiry.asked < timezone.now() - dt.timedelta(days=ANSWER_DAYS):
        return ""
    return reverse("web:inquiry", args=[report.public_id, inquiry_token(inquiry)])


def inquiry_for_token(public_id: str, token: str) -> Inquiry | None:
    """The inquiry a link belongs to, or None for a changed, foreign or expired token (answered or
    closed inquiries are returned: the page says so in its own words)."""
    try:
        pk, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    inquiry = (
        Inquiry.objects.select_related("report__category", "report__commune")
        .filter(pk=pk, report__public_id=public_id)
        .first()
    )
    if inquiry is None or not constant_time_compare(inquiry.nonce, str(nonce)):
        return None
    if inquiry.asked < timezone.now() - dt.timedelta(days=ANSWER_DAYS):
        return None
    return inquiry


def _locked(actor: Any, public_id: str) -> Report:
    visible = get_visible(actor, Report.objects.all(), public_id=public_id)
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("organisation", "category", "commune")
        .get(pk=visible.pk)
    )


def inquiry_ask(*, actor: Any, public_id: str, question: Any, public_answer: bool = False) -> Inquiry:
    """Ask the reporter ``question`` (≤ 2000 characters): the report goes to „Rückfrage“, its clock stops,
    the reporter gets the mail. Caseworkers and admins only; needs the reporter's address."""
    question = clean_note(question, "question", limit=CITIZEN_TEXT_MAX, label="Die Frage")
    if not question:
        raise ValidationFailed({"question": ["Bitte geben Sie die Frage an die meldende Person ein."]})
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        if not report.reporter_email:
            raise ValidationFailed({"question": [NO_ADDRESS]})
        if report.status == ReportStatus.INQUIRY:
            raise Conflict("Zu dieser Meldung ist schon eine Rückfrage offen.", code="inquiry_open")
        if report.status not in ASKING_FROM:
            REPORT_WORKFLOW.check(report.status, ReportStatus.INQUIRY)  # raises with the German message
        now = timezone.now()
        inquiry = Inquiry.objects.create(
            report=report,
            question=question,
            public_answer=public_answer,
            asked=now,
            asked_by=actor if getattr(actor, "is_authenticated", False) else None,
            previous_status=report.status,
            nonce=secrets.token_urlsafe(16),
        )
        report.clock_paused_since = now
        visibility = "öffentlich" if public_answer else "intern"
        change = record_status_change(
            report,
            ReportStatus.INQUIRY,
            actor,
            ASKED_NOTE,
            f"Rückfrage (Antwort {visibility}): {question}",
            update_fields=("clock_paused_since",),
        )
        audit_status_change(report, change, actor)
        notify_inquiry(report, change, url=inquiry_url(inquiry, public_id), question=question, reminder=False)
        report_moved(report, change)
    return inquiry


def _answer_target(inquiry: Inquiry) -> str:
    previous = inquiry.previous_status
    return (
        previous if previous in (ReportStatus.IN_REVIEW, ReportStatus.IN_PROGRESS) else ReportStatus.IN_REVIEW
    )


def inquiry_answer(*, inquiry_id: int, text: Any, photo: PhotoUpload | None = None) -> Inquiry:
    """Record the reporter's one answer (text ≤ 2000, required; an optional photo). Raises
    :class:`ValidationFailed` for bad input and :class:`Conflict` once answered or closed — nothing is
    written then."""
    text = clean_note(text, "answer", limit=CITIZEN_TEXT_MAX, label="Die Antwort")
    if not text:
        raise ValidationFailed({"answer": ["Bitte schreiben Sie Ihre Antwort."]})
    processed = process_photo(photo.file, photo.name, size=photo.size, field="photo") if photo else None
    with files_for_transaction() as files, transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
        if inquiry.answered:
            raise Conflict(
                "Sie haben diese Rückfrage schon beantwortet. Vielen Dank!", code="already_answered"
            )
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("organisation", "category", "commune")
            .get(pk=inquiry.report_id)
        )
        if inquiry.closed or report.status != ReportStatus.INQUIRY:
            raise Conflict(
                "Diese Rückfrage ist nicht mehr offen: Die Verwaltung bearbeitet Ihre Meldung bereits weiter.",
                code="inquiry_closed",
            )
        if processed is not None:
            position = next_photo_position(report)
            if position is None:
                raise ValidationFailed({"photo": ["Zu dieser Meldung gibt es schon zu viele Fotos."]})
            inquiry.answer_photo = store_photo(
                report,
                processed,
                files,
                position=position,
                hidden_reason="" if inquiry.public_answer else HIDDEN_PHOTO_REASON,
            )
        inquiry.answer, inquiry.answered = text, timezone.now()
        inquiry.save(update_fields=["answer", "answered", "answer_photo"])
        fields = inquiry_pause_end(report, inquiry.answered)
        said = f"Antwort der meldenden Person: {text}"
        change = record_status_change(
            report,
            _answer_target(inquiry),
            None,
            said if inquiry.public_answer else ANSWERED_NOTE,
            f"Frage: {inquiry.question}" if inquiry.public_answer else f"Frage: {inquiry.question}\n{said}",
            update_fields=fields,
        )
        audit_status_change(report, change, None)
        audit(
            actor=None,
            action="report.inquiry_answered",
            obj=report,
            organisation=report.organisation_id,
            summary="Rückfrage beantwortet" + (" (mit Foto)" if processed else ""),
        )
        notify_inquiry_answered(report, change, question=inquiry.question, answer=text)
        report_moved(report, change)
    return inquiry


def inquiries_reminder_due(*, moment: dt.datetime) -> QuerySet[Inquiry]:
    """Open, unanswered, not yet reminded inquiries whose organisation's ``inquiry_reminder_days`` have
    passed by ``moment``, on reports still in „Rückfrage“ with an address."""
    wait = ExpressionWrapper(
        F("report__organisation__inquiry_reminder_days") * dt.timedelta(days=1), output_field=DurationField()
    )
    return (
        Inquiry.objects.filter(
            closed__isnull=True,
            answered__isnull=True,
            reminded__isnull=True,
            report__status=ReportStatus.INQUIRY,
            asked__gt=moment - dt.timedelta(days=ANSWER_DAYS),
        )
        .exclude(report__reporter_email="")
        .alias(remind_at=ExpressionWrapper(F("asked") + wait, output_field=DateTimeField()))
        .filter(remind_at__lte=moment)
    )


def _remind_one(inquiry_id: int, moment: dt.datetime) -> bool:
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.select_for_update(skip_locked=True)
            .filter(pk=inquiry_id, reminded__isnull=True, answered__isnull=True, closed__isnull=True)
            .first()
        )
        if inquiry is None:
            return False  # another run got here first, or the reporter answered meanwhile
        report = Report.objects.select_related("category", "commune").get(pk=inquiry.report_id)
        inquiry.reminded = moment
        inquiry.save(update_fields=["reminded"])
        url = inquiry_url(inquiry, report.public_id)
        notify_inquiry(report, None, url=url, question=inquiry.question, reminder=True)
    return True


def inquiry_reminders_send(*, as_of: dt.date | None = None) -> int:
    """Send every reminder due by the end of ``as_of`` (default: today, local time); returns how many."""
    day = as_of or timezone.localdate()
    moment = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    ids = list(inquiries_reminder_due(moment=moment).values_list("pk", flat=True))
    return sum(1 for pk in ids if _remind_one(pk, min(moment, timezone.now())))


def inquiry_reminders_daily_job(day: dt.date) -> dict[str, int]:
    return {"reminded": inquiry_reminders_send(as_of=day)}
