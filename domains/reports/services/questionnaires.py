"""„Ist der Mangel behoben?“: asking the reporter some days after a report was resolved, and their answer.

Sending: ``questionnaires_send`` (``manage.py send_questionnaires`` and the task worker's daily job) finds
resolved reports with a reporter address whose latest resolution is ``questionnaire_days`` (per
organisation) old, and for each writes a :class:`Questionnaire` and its mail in one transaction. The
one-to-one key makes this exactly once per report, however often or concurrently it runs. Only reports
that fell due in the last ``CATCH_UP_DAYS`` are asked, so switching the feature on (or a worker that was
down a few days) does not mail everyone whose report was resolved years ago.

Answering: the mail's two links carry a signature over the questionnaire's id and a random nonce
(``django.core.signing`` with the project's secret); a changed token, one older than ``ANSWER_DAYS`` or one
for another report finds nothing (404). The first answer counts; "Nein" puts the report back to
``in_review`` through the kernel's one write path with a fixed public note and tells the organisation.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from domains.reports.models import Answer, Questionnaire, Report, StatusChange
from domains.reports.notify import notify_not_fixed, notify_status_change
from domains.reports.participation.models import CITIZEN_TEXT_MAX
from domains.reports.photos import process_photo
from domains.reports.services.photos import PhotoUpload, next_photo_position, store_photo
from domains.reports.tiles.counts import report_moved
from domains.reports.workflow import ReportStatus
from kernel.cases.fields import clean_note
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_status_change
from kernel.core.errors import Conflict, ValidationFailed
from kernel.notifications.services import mail_queue
from kernel.organisations.audit import audit, audit_status_change

ANSWER_DAYS = 60
CATCH_UP_DAYS = 7
NOT_FIXED_NOTE = "Laut Meldung nicht behoben"
SALT = "reports.questionnaire"
ANSWER_SLUGS = {"ja": Answer.YES, "nein": Answer.NO}


def _latest_resolution() -> Subquery:
    return Subquery(
        StatusChange.objects.filter(report=OuterRef("pk"), to_status=ReportStatus.RESOLVED)
        .order_by("-created", "-id")
        .values("created")[:1]
    )


def questionnaires_due(*, moment: dt.datetime) -> QuerySet[Report]:
    """Resolved reports with a reporter address and no questionnaire yet whose latest resolution plus the
    organisation's ``questionnaire_days`` lies in the ``CATCH_UP_DAYS`` before ``moment``."""
    wait = ExpressionWrapper(
        F("organisation__questionnaire_days") * dt.timedelta(days=1), output_field=DurationField()
    )
    return (
        Report.objects.filter(status=ReportStatus.RESOLVED, questionnaire__isnull=True)
        .exclude(reporter_email="")
        .annotate(resolved_at=_latest_resolution())
        .annotate(due_at=ExpressionWrapper(F("resolved_at") + wait, output_field=DateTimeField()))
        .filter(due_at__lte=moment, due_at__gt=moment - dt.timedelta(days=CATCH_UP_DAYS))
    )


def questionnaire_token(questionnaire: Questionnaire) -> str:
    return signing.dumps([questionnaire.pk, questionnaire.nonce], salt=SALT)


def questionnaire_url(questionnaire: Questionnaire, answer: str) -> str:
    """The link for ``answer`` ("ja" or "nein")."""
    public_id = questionnaire.report.public_id
    token = questionnaire_token(questionnaire)
    return settings.SITE_URL + reverse("web:questionnaire", args=[public_id, token, answer])


def questionnaire_for_token(public_id: str, token: str) -> Questionnaire | None:
    """The questionnaire a link belongs to, or None for a changed, foreign or expired token."""
    try:
        pk, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    questionnaire = (
        Questionnaire.objects.select_related("report__category", "report__commune")
        .filter(pk=pk, report__public_id=public_id)
        .first()
    )
    if questionnaire is None or not constant_time_compare(questionnaire.nonce, str(nonce)):
        return None
    if questionnaire.sent < timezone.now() - dt.timedelta(days=ANSWER_DAYS):
        return None
    return questionnaire


def _send_one(report_id: int, moment: dt.datetime) -> bool:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("category", "commune")
            .filter(pk=report_id)
            .annotate(resolved_at=_latest_resolution())
            .first()
        )
        if report is None or report.status != ReportStatus.RESOLVED or not report.reporter_email:
            return False
        if Questionnaire.objects.filter(report=report).exists():
            return False  # another run got here first
        questionnaire = Questionnaire.objects.create(
            report=report, resolved_at=report.resolved_at or moment, nonce=secrets.token_urlsafe(16)
        )
        mail_queue(
            kind="report.questionnaire",
            to=report.reporter_email,
            template="mail/report_questionnaire.txt",
            context={
                "report": report,
                "yes_url": questionnaire_url(questionnaire, "ja"),
                "no_url": questionnaire_url(questionnaire, "nein"),
                "days": ANSWER_DAYS,
            },
            object_type="report",
            object_id=report.public_id,
        )
    return True


def questionnaires_send(*, as_of: dt.date | None = None) -> int:
    """Send every questionnaire due by the end of ``as_of`` (default: today, local time); returns how
    many were sent. Each report is its own transaction (a savepoint inside the daily job's); an error
    stops the run, and the next run (the job's retry) sends what is still due."""
    day = as_of or timezone.localdate()
    moment = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    ids = list(questionnaires_due(moment=moment).values_list("pk", flat=True))
    return sum(1 for pk in ids if _send_one(pk, moment))


def questionnaires_daily_job(day: dt.date) -> dict[str, int]:
    return {"sent": questionnaires_send(as_of=day)}


def _not_fixed(report: Report, comment: str, files: Any, processed: Any) -> None:
    if processed is not None:
        position = next_photo_position(report)
        if position is None:
            raise ValidationFailed({"photo": ["Zu dieser Meldung gibt es schon zu viele Fotos."]})
        store_photo(report, processed, files, position=position)
    if report.status == ReportStatus.RESOLVED:
        internal = "Rückmeldung der meldenden Person: nicht behoben." + (f"\n{comment}" if comment else "")
        change = record_status_change(report, ReportStatus.IN_REVIEW, None, NOT_FIXED_NOTE, internal)
        audit_status_change(report, change, None)
        notify_status_change(report, change)
        report_moved(report, change)
    notify_not_fixed(report, comment)


def questionnaire_answer(
    *, questionnaire_id: int, answer: str, comment: Any = "", photo: PhotoUpload | None = None
) -> Questionnaire:
    """Record the first answer. "Nein" (with an optional text ≤ 2000 and photo) reopens the report if it
    is still resolved and tells the organisation. A second answer raises :class:`Conflict`."""
    comment = clean_note(comment, "comment", limit=CITIZEN_TEXT_MAX, label="Der Text")
    if answer not in Answer.values:
        raise ValidationFailed({"answer": ["Bitte „Ja“ oder „Nein“ wählen."]})
    processed = None
    if photo is not None and answer == Answer.NO:
        processed = process_photo(photo.file, photo.name, size=photo.size, field="photo")
    with files_for_transaction() as files, transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire_id)
        if questionnaire.answer:
            raise Conflict("Sie haben diese Frage schon beantwortet. Vielen Dank!", code="already_answered")
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("organisation", "category", "commune")
            .get(pk=questionnaire.report_id)
        )
        questionnaire.answer, questionnaire.answered = answer, timezone.now()
        questionnaire.save(update_fields=["answer", "answered"])
        if answer == Answer.NO:
            _not_fixed(report, comment, files, processed)
        audit(
            actor=None,
            action="report.questionnaire",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Rückfrage „Ist der Mangel behoben?“ beantwortet: {Answer(answer).label}",
        )
    return questionnaire
