"""Staff pages for citizens' participation: the moderation queue (notices of illegal content, updates
waiting for approval) and the admins' page for Textbausteine and participation settings.

Every lookup is scoped by the services through ``kernel.organisations.scoping``: a notice or update of another
organisation's report is 404, like the report itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domains.reports.participation.selectors import moderation_notices, moderation_updates, note_templates_of
from domains.reports.services.abuse import notice_decide
from domains.reports.services.citizen_updates import update_moderate
from domains.reports.services.note_templates import PLACEHOLDERS, note_template_delete, note_template_save
from interfaces.staff.errors import flash_domain_errors, staff_only
from interfaces.staff.settings_views import _admin_organisation
from kernel.organisations.participation import organisation_set_participation
from kernel.organisations.scoping import scope_of
from kernel.organisations.selectors import organisations_with_ids
from shared.http.params import ascii_digits


@staff_only
def moderation(request: HttpRequest) -> HttpResponse:
    context = {
        "notices": list(moderation_notices(request.user)[:200]),
        "updates": list(moderation_updates(request.user)[:200]),
    }
    return render(request, "staff/moderation.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    # Only our own report pages or the queue: never an open redirect.
    if target.startswith("/verwaltung/meldungen/") and "//" not in target:
        return redirect(target)
    return redirect("staff:moderation")


@require_POST
@staff_only
def notice_decision(request: HttpRequest, notice_id: int) -> HttpResponse:
    with flash_domain_errors(request):
        notice_decide(
            actor=request.user,
            notice_id=notice_id,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, "Entscheidung gespeichert.")
    return _back(request)


@require_POST
@staff_only
def update_decision(request: HttpRequest, update_id: int) -> HttpResponse:
    with flash_domain_errors(request):
        publish = request.POST.get("action") == "publish"
        update_moderate(
            actor=request.user, update_id=update_id, publish=publish, reason=request.POST.get("reason", "")
        )
        messages.success(request, "Ergänzung freigegeben." if publish else "Ergänzung verborgen.")
    return _back(request)


def _participation_post(request: HttpRequest, org) -> None:
    action = request.POST.get("action")
    with flash_domain_errors(request):
        if action == "settings":
            organisation_set_participation(
                actor=request.user,
                organisation=org,
                questionnaire_days=request.POST.get("questionnaire_days"),
                update_moderation=request.POST.get("update_moderation"),
                inquiry_reminder_days=request.POST.get("inquiry_reminder_days"),
            )
            messages.success(request, "Einstellungen gespeichert.")
        elif action == "delete" and ascii_digits(request.POST.get("template", ""), max_digits=18):
            note_template_delete(
                actor=request.user, organisation_id=org.pk, template_id=int(request.POST["template"])
            )
            messages.success(request, "Textbaustein gelöscht.")
        else:
            note_template_save(
                actor=request.user,
                organisation_id=org.pk,
                name=request.POST.get("name"),
                text=request.POST.get("text"),
            )
            messages.success(request, "Textbaustein gespeichert.")


@staff_only
def participation_settings(request: HttpRequest) -> HttpResponse:
    """Textbausteine and participation settings of one organisation (its admins only)."""
    org = _admin_organisation(request)
    if request.method == "POST":
        _participation_post(request, org)
        return redirect(f"{request.path}?organisation={org.pk}")
    context = {
        "org": org,
        "admin_orgs": organisations_with_ids(scope_of(request.user).admin_org_ids),
        "templates": note_templates_of(org.pk),
        "placeholders": PLACEHOLDERS,
    }
    return render(request, "staff/participation_settings.html", context)
