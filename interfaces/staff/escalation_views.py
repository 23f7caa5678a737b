"""An organisation admin's page of the daily escalation digest (``/verwaltung/einstellungen/eskalation/``):
on or off, N days for "not accepted", M days overdue for the second level to the admins, the recipient.

Thin: the organisation comes from the admin's scope (``_admin_organisation``), the service validates and
stores (``kernel.organisations.escalation``); a wrong value is shown at its field with what was typed,
and nothing of the form is stored."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interfaces.staff.errors import staff_only
from interfaces.staff.settings_views import _admin_organisation, _back_to_page
from kernel.core.errors import ValidationFailed
from kernel.organisations.escalation import (
    ADMIN_BOUNDS,
    ESCALATION_FIELDS,
    UNACCEPTED_BOUNDS,
    organisation_set_escalation,
)


@staff_only
def escalation_settings(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    errors: dict[str, list[str]] = {}
    values = {name: getattr(org, name) for name in ESCALATION_FIELDS}
    status = 200
    if request.method == "POST":
        sent = {name: request.POST.get(name, "") for name in ESCALATION_FIELDS}
        try:
            organisation_set_escalation(actor=request.user, organisation=org, values=sent)
        except ValidationFailed as exc:
            errors, status = exc.errors, 400
            values = {**sent, "escalation_enabled": bool(sent["escalation_enabled"])}
        else:
            messages.success(request, "Einstellungen der täglichen Übersicht gespeichert.")
            return _back_to_page(request, org)
    context = {
        "org": org,
        "values": {k: "" if v is None else v for k, v in values.items()},
        "errors": errors,
        "unaccepted_bounds": UNACCEPTED_BOUNDS,
        "admin_bounds": ADMIN_BOUNDS,
    }
    return render(request, "staff/escalation.html", context, status=status)
