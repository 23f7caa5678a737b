"""The outside party's page (issue 30.4): a contractor, a utility, the road authority opens the mailed
link on a phone, without an account, sets "In Arbeit"/"Erledigt", adds a note and an after-photo.

Works without JavaScript (one form, one button, the answer on the next page). Thin: the link's checks and
the one status path are in ``domains.reports.handoffs.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from domains.reports.handoffs.models import Handoff
from domains.reports.handoffs.services import HandoffGone, handoff_external_update, handoff_for_token
from domains.reports.models import PhotoKind
from domains.reports.services import PhotoUpload
from domains.reports.workflow import ReportStatus
from interfaces.web.forms import ServiceErrorsForm
from interfaces.web.views import private_page
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from kernel.geo.coords import to_api

GONE_MESSAGES = {
    "revoked": gettext_lazy("Die Verwaltung hat diesen Link widerrufen."),
    "expired": gettext_lazy("Dieser Link ist abgelaufen."),
    "moved": gettext_lazy("Die Meldung liegt inzwischen bei einer anderen Stelle."),
}


class HandoffUpdateForm(ServiceErrorsForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Stand"),
        required=False,
        choices=[
            (ReportStatus.IN_PROGRESS, gettext_lazy("In Arbeit")),
            (ReportStatus.RESOLVED, gettext_lazy("Erledigt")),
            ("", gettext_lazy("Unverändert (nur Notiz oder Foto)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Notiz an die Verwaltung (optional)"),
        required=False,
        help_text=gettext_lazy("Wird nicht veröffentlicht."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
    )
    photo = forms.FileField(
        label=gettext_lazy("Foto nach der Erledigung (optional)"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG oder HEIC; Standortdaten werden entfernt."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/heif", "capture": "environment"}
        ),
    )

    def upload(self) -> PhotoUpload | None:
        file: Any = self.files.get("photo")
        return PhotoUpload(file=file, name=file.name, size=file.size) if file else None


def _gone(request: HttpRequest, exc: HandoffGone) -> HttpResponse:
    message = GONE_MESSAGES.get(exc.code, GONE_MESSAGES["expired"])
    return private_page(render(request, "web/handoff_gone.html", {"message": message}, status=410))


def _page(request: HttpRequest, handoff: Handoff, form: HandoffUpdateForm, status: int = 200) -> HttpResponse:
    report = handoff.report
    point = to_api(report.location)
    context = {
        "handoff": handoff,
        "report": report,
        "form": form,
        "lon": round(point.x, 6),
        "lat": round(point.y, 6),
        "photos": report.photos.filter(hidden=False).order_by("position", "id"),
        "after_photos": report.photos.filter(kind=PhotoKind.AFTER).count(),
        "choose_photo_again": form.files_to_choose_again("photo"),
    }
    return private_page(render(request, "web/handoff.html", context, status=status))


@require_http_methods(["GET", "POST"])
def handoff_page(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    try:
        handoff = handoff_for_token(public_id, token)
    except NotFound as exc:
        raise Http404(_("Dieser Link ist ungültig.")) from exc
    except HandoffGone as exc:
        return _gone(request, exc)
    if request.method != "POST":
        initial = {
            "status": ReportStatus.IN_PROGRESS if handoff.report.status != ReportStatus.IN_PROGRESS else ""
        }
        return _page(request, handoff, HandoffUpdateForm(initial=initial))
    form = HandoffUpdateForm(request.POST, request.FILES)
    form.is_valid()
    try:
        handoff_external_update(
            public_id=public_id,
            token=token,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            photo=form.upload(),
        )
    except HandoffGone as exc:
        return _gone(request, exc)
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        return _page(request, handoff, form, status=400)
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _page(request, handoff, form, status=409)
    messages.success(request, _("Gespeichert. Vielen Dank, die Verwaltung ist informiert."))
    return redirect(request.path)
