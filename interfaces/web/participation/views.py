"""Citizen pages for closing the loop: „Ist der Mangel behoben?“, updates (Ergänzungen) and notices of
illegal content („Missbrauch melden“). Thin: the services in ``domains.reports.services`` decide.

Links in e-mails only show a page; the change happens on its button (POST), so a mail scanner that
opens every link cannot answer or confirm for the person.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import Throttled

from domains.reports.models import Answer
from domains.reports.selectors import report_public
from domains.reports.services.abuse import notice_submit, notice_target
from domains.reports.services.citizen_updates import update_confirm, update_for_token, update_submit
from domains.reports.services.inquiries import inquiry_answer, inquiry_for_token
from domains.reports.services.questionnaires import (
    ANSWER_SLUGS,
    questionnaire_answer,
    questionnaire_for_token,
)
from interfaces.web.participation.forms import InquiryAnswerForm, NotFixedForm, NoticeForm, UpdateForm
from interfaces.web.views import private_page, report_context, throttled_response
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from shared.http.params import ascii_digits
from shared.http.throttling import ReportCreateThrottle, enforce


def _done(request: HttpRequest, title: str, message: str, public_id: str, status: int = 200) -> HttpResponse:
    context = {
        "title": title,
        "message": message,
        "report_url": reverse("web:report-detail", args=[public_id]),
    }
    return render(request, "web/participation_done.html", context, status=status)


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, public_id: str, token: str, answer: str) -> HttpResponse:
    """The yes/no link of the mail: a page with one button (and for "Nein" text and photo)."""
    found = questionnaire_for_token(public_id, token)
    if found is None or answer not in ANSWER_SLUGS:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if found.answer:
        return private_page(
            _done(
                request,
                _("Schon beantwortet"),
                _("Sie haben diese Frage schon beantwortet. Vielen Dank!"),
                public_id,
            )
        )
    posted = request.method == "POST"  # bound even without fields, as in notice_new
    form = NotFixedForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if request.method == "POST":
        try:
            questionnaire_answer(
                questionnaire_id=found.pk,
                answer=ANSWER_SLUGS[answer],
                comment=request.POST.get("comment", ""),
                photo=form.upload(),
            )
        except Conflict as exc:
            return private_page(_done(request, _("Schon beantwortet"), exc.message, public_id, status=409))
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
            status = 400
        else:
            message = (
                _("Danke! Ihre Meldung wird wieder geprüft; die Verwaltung ist informiert.")
                if answer == "nein"
                else _("Danke für Ihre Bestätigung!")
            )
            return private_page(_done(request, _("Antwort gespeichert"), message, public_id))
    context = {
        "report": found.report,
        "form": form,
        "answer": answer,
        "no": ANSWER_SLUGS[answer] == Answer.NO,
    }
    return private_page(render(request, "web/questionnaire.html", context, status=status))


def _inquiry_gone_message(answered: bool) -> str:
    if answered:
        return _("Sie haben diese Rückfrage schon beantwortet. Vielen Dank!")
    return _("Diese Rückfrage ist nicht mehr offen: Die Verwaltung bearbeitet Ihre Meldung bereits weiter.")


def _inquiry_gone(request: HttpRequest, public_id: str, message: str) -> HttpResponse:
    return private_page(_done(request, _("Rückfrage nicht mehr offen"), message, public_id, status=409))


@require_http_methods(["GET", "POST"])
def inquiry(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The Rückfrage link of the mail: the question and a form for the answer (text, optional photo).
    A changed, foreign or expired link is 404; an answered or closed one says so (409)."""
    found = inquiry_for_token(public_id, token)
    if found is None:  # said in words: a reporter with an old mail should know what happened
        message = _(
            "Dieser Link ist ungültig oder abgelaufen. Ein Antwortlink gilt 30 Tage und für eine Antwort."
        )
        return private_page(_done(request, _("Link ungültig"), message, public_id, status=404))
    if found.answered or found.closed:
        return _inquiry_gone(request, public_id, _inquiry_gone_message(bool(found.answered)))
    posted = request.method == "POST"
    form = InquiryAnswerForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        try:
            inquiry_answer(inquiry_id=found.pk, text=request.POST.get("answer", ""), photo=form.upload())
        except Conflict as exc:
            return _inquiry_gone(request, public_id, _inquiry_gone_message(exc.code == "already_answered"))
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
            status = 400
        else:
            message = _("Danke! Ihre Antwort ist bei der Verwaltung angekommen; die Bearbeitung geht weiter.")
            return private_page(_done(request, _("Antwort gespeichert"), message, public_id))
    context = {"report": found.report, "inquiry": found, "form": form}
    return private_page(render(request, "web/inquiry.html", context, status=status))


@require_POST
def update_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """The update form on the report page; errors show the report page again with the messages."""
    report = report_public(public_id)
    if report is None:
        raise Http404(_("Meldung nicht gefunden."))
    form = UpdateForm(request.POST, request.FILES)
    try:
        enforce(request, ReportCreateThrottle)
        update_submit(
            public_id=public_id,
            text=request.POST.get("text"),
            email=request.POST.get("email"),
            photo=form.upload(),
        )
    except Throttled as exc:
        return throttled_response(request, exc)
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        context = {**report_context(report), "update_form": form}
        return render(request, "web/report_detail.html", context, status=400)
    message = _(
        "Bitte bestätigen Sie Ihre Ergänzung über den Link in der E-Mail, die wir Ihnen geschickt haben."
    )
    return _done(request, _("Fast geschafft"), message, public_id)


@require_http_methods(["GET", "POST"])
def update_confirmation(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    update = update_for_token(public_id, token)
    if update is None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if request.method == "POST":
        update = update_confirm(update_id=update.pk)
        message = (
            _("Ihre Ergänzung ist jetzt sichtbar.")
            if update.state == "published"
            else _("Ihre Ergänzung wird nach einer Prüfung durch die Verwaltung angezeigt.")
        )
        return private_page(_done(request, _("Ergänzung bestätigt"), message, public_id))
    return private_page(
        render(request, "web/update_confirm.html", {"report": update.report, "update": update})
    )


def _target_ids(params: Any) -> tuple[int | None, int | None]:
    def number(name: str) -> int | None:
        value = params.get(name, "")
        if not value:
            return None
        if not ascii_digits(value, max_digits=12):
            raise Http404(_("Nicht gefunden."))
        return int(value)

    return number("foto"), number("ergaenzung")


@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """„Missbrauch melden“ for the report's text, ``?foto=<id>`` or ``?ergaenzung=<id>``."""
    report = report_public(public_id)
    if report is None:
        raise Http404(_("Meldung nicht gefunden."))
    photo_id, update_id = _target_ids(request.GET)
    try:
        photo, update = notice_target(report, photo_id=photo_id, update_id=update_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    # Bound on every POST, even one without fields (an empty QueryDict is falsy): the service's messages
    # need a bound form to land on.
    form = NoticeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            enforce(request, ReportCreateThrottle)
            notice_submit(
                public_id=public_id,
                reason=request.POST.get("reason"),
                text=request.POST.get("text"),
                email=request.POST.get("email"),
                photo_id=photo_id,
                update_id=update_id,
                good_faith=request.POST.get("good_faith") == "on",
            )
        except Throttled as exc:
            return throttled_response(request, exc)
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
            status = 400
        else:
            message = _("Danke. Die zuständige Stelle prüft Ihren Hinweis.")
            return _done(request, _("Hinweis eingegangen"), message, public_id)
    context = {"report": report, "form": form, "photo": photo, "update": update}
    return render(request, "web/notice_new.html", context, status=status)
