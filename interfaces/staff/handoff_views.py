"""Staff pages of hand-offs to outside parties (issue 30.4): hand a report off from its page, see what is
out on ``/verwaltung/uebergaben/`` (overdue marked, filterable) and revoke a link from either page.
Thin views: the rules are in ``domains.reports.handoffs``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from domains.reports.handoffs.selectors import handoffs_of_report, handoffs_out
from domains.reports.handoffs.services import HandoffInput, handoff_create, handoff_revoke
from domains.reports.models import Report
from domains.reports.workflow import OPEN_STATES
from interfaces.staff.errors import flash_domain_errors, flash_form_errors, staff_only


class HandoffForm(forms.Form):
    """Name, address, due date and an optional message; the service checks them again (the API too)."""

    name = forms.CharField(label="Empfänger (Firma oder Stelle)", max_length=200)
    email = forms.EmailField(
        label="E-Mail-Adresse",
        error_messages={"invalid": "Bitte geben Sie eine gültige E-Mail-Adresse an."},
    )
    due = forms.DateField(
        label="Zu erledigen bis",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": "Bitte ein Datum angeben (TT.MM.JJJJ)."},
    )
    message = forms.CharField(
        label="Nachricht (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Bitte geben Sie an, an wen die Meldung geht."
        self.fields["email"].error_messages["required"] = "Bitte geben Sie die E-Mail-Adresse an."
        self.fields["due"].error_messages["required"] = "Bitte geben Sie an, bis wann erledigt werden soll."


@require_POST
@staff_only
def handoff_create_view(request: HttpRequest, public_id: str) -> HttpResponse:
    form = HandoffForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        d = form.cleaned_data
        with flash_domain_errors(request):
            handoff = handoff_create(
                actor=request.user,
                public_id=public_id,
                data=HandoffInput(name=d["name"], email=d["email"], due=d["due"], message=d["message"]),
            )
            messages.success(request, f"Übergeben an {handoff.name}: Der Link ist per E-Mail unterwegs.")
    return redirect(reverse("staff:report", args=[public_id]) + "#uebergaben")


@staff_only
def handoff_list(request: HttpRequest) -> HttpResponse:
    overdue_only = request.GET.get("ueberfaellig") == "1"
    return render(
        request,
        "staff/handoffs.html",
        {
            "handoffs": handoffs_out(request.user, overdue_only=overdue_only)[:500],
            "overdue_only": overdue_only,
        },
    )


@require_POST
@staff_only
def handoff_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    with flash_domain_errors(request):
        handoff = handoff_revoke(actor=request.user, handoff_id=pk)
        messages.success(request, f"Link für {handoff.name} widerrufen.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ) or not target.startswith("/verwaltung/"):
        target = reverse("staff:handoffs")
    return redirect(target)


def handoff_context(report: Report, user: Any) -> dict[str, Any]:
    """What the report page's "An Externe übergeben" section needs (managers only): the form only while
    the report is open."""
    return {
        "handoffs": handoffs_of_report(report, user),
        "handoff_form": HandoffForm() if report.status in OPEN_STATES else None,
        "handoff_days": settings.HANDOFF_LINK_DAYS,
    }
