"""Staff pages for special-use permits and parking permits (same scoping as reports)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from domains.permits.models import ParkingPermit, Permit, case_model_for
from domains.permits.payment_state import payment_due, payment_summary
from domains.permits.selectors import (
    CONFLICT_GEOJSON_PRECISION,
    CONFLICT_REPORT_RADIUS_M,
    ConflictPermit,
    permit_conflict_rows,
    staff_permits,
    staff_permits_with_notices,
)
from domains.permits.services import parking_decide, payment_record_staff, permit_decide
from domains.permits.workflow import PERMIT_WORKFLOW, PermitStatus, display_status
from domains.reports.selectors import open_reports_near
from interfaces.staff.errors import flash_domain_errors, flash_form_errors, staff_only
from interfaces.staff.maps import staff_map_config
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import to_api
from kernel.organisations.scoping import get_visible, visible_cases

# The confirmation step: a decision form sent without ``confirm=yes`` only shows "Bitte bestätigen".
CONFIRM = "yes"
# Decisions that end an application or a permit for the applicant: their button is styled as destructive.
DESTRUCTIVE = frozenset({PermitStatus.REJECTED, PermitStatus.WITHDRAWN})
# What each decision sets off, said on the confirmation page before it happens.
CONSEQUENCES = {
    PermitStatus.APPROVED: "Der Bescheid (und bei einer Gebühr der Gebührenbescheid mit Kassenzeichen) wird "
    "erstellt und der antragstellenden Person per E-Mail geschickt.",
    PermitStatus.REJECTED: "Der Ablehnungsbescheid mit den Gründen unten wird erstellt und der antragstellenden "
    "Person per E-Mail geschickt.",
    PermitStatus.WITHDRAWN: "Der Antrag bzw. die Genehmigung gilt danach als zurückgezogen; eine offene Gebühr "
    "wird storniert. Die antragstellende Person wird benachrichtigt.",
    PermitStatus.IN_REVIEW: "Die antragstellende Person wird benachrichtigt, dass der Antrag geprüft wird.",
}
BLANK_CHOICE = ("", "— bitte wählen —")


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="Entscheidung",
        choices=[BLANK_CHOICE, *PermitStatus.choices],
        error_messages={"required": "Bitte eine Entscheidung wählen."},
    )
    conditions = forms.CharField(
        label="Auflagen (bei Genehmigung)",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    public_note = forms.CharField(
        label="Nachricht an die antragstellende Person (bei Ablehnung die Begründung für den Bescheid)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal_note = forms.CharField(
        label="Interne Notiz", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _geojson(geom) -> dict:
    return json.loads(to_api(geom).geojson)


@staff_only
def permit_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or "pending"
    qs = staff_permits(request.user)
    if status == "pending":
        qs = qs.filter(status__in=[PermitStatus.SUBMITTED, PermitStatus.IN_REVIEW]).order_by("start")
    elif status in PermitStatus.values:
        qs = qs.filter(status=status).order_by("-start")
    else:
        qs = qs.order_by("-created")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        (p, display_status(p.status, p.start, p.end)[1], payment_summary(getattr(p, "fee_claim", None)))
        for p in page
    ]
    return render(
        request,
        "staff/permits.html",
        {"page": page, "rows": rows, "status": status, "statuses": PermitStatus.choices},
    )


def _map_data(permit: Permit, permits: list[ConflictPermit], reports: list) -> dict:
    """The permit and its conflicts as a GeoJSON FeatureCollection (WGS84) for the page's map."""
    features = [
        {
            "type": "Feature",
            "geometry": _geojson(permit.location),
            "properties": {"role": "self", "label": permit.public_id},
        }
    ]
    features += [
        {
            "type": "Feature",
            "geometry": json.loads(p.geojson),
            "properties": {"role": "permit", "label": p.label},
        }
        for p in permits
        if p.geojson  # another commune's pending application: no outline
    ]
    features += [
        {
            "type": "Feature",
            "geometry": json.loads(r.geojson),
            "properties": {"role": "report", "label": f"{r.public_id} {r.category.name}"},
        }
        for r in reports
    ]
    return {"type": "FeatureCollection", "features": features}


@staff_only
def permit_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    permit = get_visible(request.user, staff_permits_with_notices(request.user), public_id=public_id)
    conflict_permits = permit_conflict_rows(permit, viewer=request.user)
    conflict_reports = open_reports_near(
        permit.location, radius_m=CONFLICT_REPORT_RADIUS_M, precision=CONFLICT_GEOJSON_PRECISION
    )
    allowed = PERMIT_WORKFLOW.allowed(permit.status)
    form = _decision_form(permit)
    return render(
        request,
        "staff/permit.html",
        {
            "permit": permit,
            "display": display_status(permit.status, permit.start, permit.end)[1],
            "communes": permit.communes.select_related("commune").order_by("-share"),
            "conflict_permits": conflict_permits,
            "conflict_reports": conflict_reports,
            "map_data": _map_data(permit, conflict_permits, conflict_reports),
            "map_config": staff_map_config(highlight_ags=permit.commune.ags if permit.commune_id else ""),
            "form": form if allowed else None,
            "history": permit.history.select_related("by_user"),
            "attachments": permit.attachments.all(),
            "payment": payment_summary(getattr(permit, "fee_claim", None)),
            "payment_due": payment_due(getattr(permit, "fee_claim", None)),
            "notices": permit.notices.all(),
        },
    )


def _decision_form(permit: Permit, data: Any = None) -> DecisionForm:
    """The decision form offering only the moves the workflow allows now, none of them preselected."""
    form = DecisionForm(data)
    allowed = PERMIT_WORKFLOW.allowed(permit.status)
    form.fields["status"].choices = [BLANK_CHOICE] + [
        (v, label) for v, label in PermitStatus.choices if v in allowed
    ]
    return form


def _confirmation(
    request: HttpRequest,
    case: Permit | ParkingPermit,
    values: dict[str, str],
    *,
    action: str,
    back: str,
    errors: Any = None,
) -> HttpResponse:
    """The "Bitte bestätigen" page: what is about to be decided and what follows, the values sent again as
    hidden fields (the reasons of a refusal editable and required). 422 when the service refused them."""
    status = values["status"]
    context = {
        "case": case,
        "label": PERMIT_WORKFLOW.label(status),
        "consequence": CONSEQUENCES.get(status, ""),
        "values": values,
        "reject": status == PermitStatus.REJECTED,
        "destructive": status in DESTRUCTIVE,
        "action": action,
        "back": back,
        "errors": [msg for msgs in (errors or {}).values() for msg in msgs],
    }
    return render(request, "staff/decision_confirm.html", context, status=422 if errors else 200)


@require_POST
@staff_only
def permit_decide_view(request: HttpRequest, public_id: str) -> HttpResponse:
    permit = get_visible(request.user, staff_permits(request.user), public_id=public_id)
    form = _decision_form(permit, request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("staff:permit", public_id=public_id)
    values = {k: str(v) for k, v in form.cleaned_data.items()}
    confirm = partial(
        _confirmation,
        request,
        permit,
        values,
        action=reverse("staff:permit-decide", args=[public_id]),
        back=reverse("staff:permit", args=[public_id]),
    )
    if request.POST.get("confirm") != CONFIRM:
        return confirm()
    with flash_domain_errors(request):  # a conflict (decided meanwhile): a message above the permit
        try:
            permit_decide(actor=request.user, public_id=public_id, **form.cleaned_data)
        except ValidationFailed as exc:  # e.g. a refusal without reasons: back to the confirmation
            return confirm(errors=exc.errors)
        messages.success(request, "Entscheidung gespeichert; die antragstellende Person wird benachrichtigt.")
    return redirect("staff:permit", public_id=public_id)


@staff_only
def parking_list(request: HttpRequest) -> HttpResponse:
    qs = visible_cases(
        request.user,
        ParkingPermit.objects.select_related("zone", "commune", "fee_claim").prefetch_related("notices"),
    ).order_by("-created")
    if request.method == "POST":
        return _parking_decide(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for permit in page:
        claim = getattr(permit, "fee_claim", None)
        permit.payment, permit.payment_due = payment_summary(claim), payment_due(claim)
    return render(request, "staff/parking.html", {"page": page})


def _parking_decide(request: HttpRequest) -> HttpResponse:
    """A decision from the parking list: first "Bitte bestätigen" (with the reasons of a refusal), then
    ``parking_decide``."""
    public_id = request.POST.get("public_id", "")
    permit = get_visible(request.user, ParkingPermit.objects.all(), public_id=public_id)
    status = request.POST.get("status", "")
    if status not in PERMIT_WORKFLOW.allowed(permit.status):
        messages.error(request, "Diese Entscheidung ist für diesen Antrag nicht möglich.")
        return redirect("staff:parking")
    values = {"public_id": public_id, "status": status, "public_note": request.POST.get("public_note", "")}
    confirm = partial(
        _confirmation, request, permit, values, action=reverse("staff:parking"), back=reverse("staff:parking")
    )
    if request.POST.get("confirm") != CONFIRM:
        return confirm()
    with flash_domain_errors(request):
        try:
            parking_decide(
                actor=request.user, public_id=public_id, status=status, public_note=values["public_note"]
            )
        except ValidationFailed as exc:
            return confirm(errors=exc.errors)
        messages.success(request, "Entscheidung gespeichert.")
    return redirect("staff:parking")


@require_POST
@staff_only
def payment_record_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Staff book a fee as paid (permit or parking permit); back to where they came from."""
    with flash_domain_errors(request):
        payment_record_staff(actor=request.user, public_id=public_id, paid_on=request.POST.get("paid_on"))
        messages.success(request, f"Zahlung zu {public_id} verbucht.")
    if case_model_for(public_id) is ParkingPermit:
        return redirect("staff:parking")
    return redirect("staff:permit", public_id=public_id)
