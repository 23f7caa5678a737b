"""An organisation admin's data-protection pages: its retention periods, and requests of a person for
access (Art. 15 DSGVO, a JSON download) or erasure (Art. 17) within the organisation's own cases.

The organisation comes from the admin's scope (``settings_views._admin_organisation``: only
organisations the user administers; anything else falls back to one of them), and the services check
the admin role again, so another organisation's cases can be neither seen nor erased.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from interfaces.staff.errors import flash_domain_errors, staff_only
from interfaces.staff.settings_views import _admin_organisation, _back_to_page
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import RETENTION_BOUNDS
from kernel.organisations.retention_periods import RETENTION_FIELDS, organisation_set_retention
from shared.privacy.requests import personal_data_erase, personal_data_export
from shared.privacy.selectors import privacy_requests_of


@staff_only
def retention_settings(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if request.method == "POST":
        with flash_domain_errors(request, only=ValidationFailed):
            organisation_set_retention(
                actor=request.user,
                organisation=org,
                values={name: request.POST.get(name, "") for name in RETENTION_FIELDS},
            )
            messages.success(request, "Aufbewahrungsfristen gespeichert.")
        return _back_to_page(request, org)
    fields = [
        {
            "name": name,
            "label": org._meta.get_field(name).verbose_name,
            "value": getattr(org, name),
            "default": org._meta.get_field(name).default,
            "low": RETENTION_BOUNDS[name][0],
            "high": RETENTION_BOUNDS[name][1],
        }
        for name in RETENTION_FIELDS
    ]
    return render(request, "staff/retention.html", {"org": org, "fields": fields})


def _export(request: HttpRequest, org, email: str) -> HttpResponse:
    data = personal_data_export(email=email, organisation=org, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="auskunft-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_only
def privacy_requests(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if request.method == "POST":
        email = request.POST.get("email", "")
        action = request.POST.get("action")
        with flash_domain_errors(request, only=ValidationFailed):
            if action == "export":
                return _export(request, org, email)
            if action == "erase" and request.POST.get("confirm") == "yes":
                counts = personal_data_erase(email=email, organisation=org, actor=request.user)
                messages.success(
                    request,
                    "Gelöscht: {reports} Meldung(en), {permits} Sondernutzung(en), {parking_permits} "
                    "Parkausweis(e), {mails} E-Mail(s), {subscriptions} Benachrichtigung(en).".format(
                        **counts
                    ),
                )
            elif action == "erase":
                messages.error(request, "Bitte bestätigen Sie die Löschung.")
            else:
                messages.error(request, "Unbekannte Aktion.")
        return _back_to_page(request, org)
    return render(request, "staff/privacy_requests.html", {"org": org, "register": privacy_requests_of(org)})
