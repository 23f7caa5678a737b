"""Mein Konto: the signed-in citizen's cases with their status, taking over anonymous cases, the data
download, deleting the account and signing out. Thin: reads from ``shared.citizens.selectors``, writes through
``shared.citizens.services``; the login itself is ``shared.citizens.oidc`` (django-allauth).

The take-over link is a GET that changes something: it works only for the signed-in account that asked
for it (the signed token names it), so a mail scanner that opens the link without the session changes
nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from interfaces.web.permit_views import applicant_links
from interfaces.web.presentation import parking_status, permit_status
from interfaces.web.views import private_page
from kernel.core.errors import DomainError
from shared.citizens.oidc import provider_logout_url, providers
from shared.citizens.selectors import cases_of_account, citizen_of, claims_of
from shared.citizens.services import account_data_export, account_delete, cases_claim, claim_link_send


@require_GET
def account_home(request: HttpRequest) -> HttpResponse:
    """Signed in as a citizen: name, address and cases. Otherwise: the login buttons (or, with no provider
    configured, the note that everything works without an account)."""
    citizen = citizen_of(request.user)
    if citizen is None:
        return private_page(render(request, "web/account_login.html", {"providers": providers()}))
    cases = cases_of_account(citizen)
    context = {
        "claims": claims_of(citizen),
        "reports": cases.reports,
        "permits": [(p, permit_status(p.status, p.start, p.end), applicant_links(p)) for p in cases.permits],
        "parking": [(p, parking_status(p.status, p.valid_until), applicant_links(p)) for p in cases.parking],
    }
    return private_page(render(request, "web/account.html", context))


@require_POST
def account_logout(request: HttpRequest) -> HttpResponse:
    """Sign the citizen out here, then at the provider (RP-Initiated Logout) when it offers that."""
    citizen = citizen_of(request.user)
    if citizen is None:
        return redirect("web:report-new")
    at_provider = provider_logout_url(request, citizen)
    logout(request)
    return redirect(at_provider or "web:report-new")


def _citizen_or_login(request: HttpRequest) -> Any:
    citizen = citizen_of(request.user)
    if citizen is None:
        messages.error(request, _("Bitte melden Sie sich zuerst an."))
    return citizen


@require_POST
def account_claim_send(request: HttpRequest) -> HttpResponse:
    """ "Fälle übernehmen": mail a signed link to the account's confirmed address."""
    citizen = _citizen_or_login(request)
    if citizen is not None:
        try:
            email = claim_link_send(user=citizen)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Wir haben einen Link an %(email)s geschickt. Öffnen Sie ihn, während Sie angemeldet sind.")
                % {"email": email},
            )
    return redirect("web:account")


@require_GET
def account_claim(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail: only the signed-in account that asked for it can use it."""
    citizen = _citizen_or_login(request)
    if citizen is not None:
        try:
            count = cases_claim(user=citizen, token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(count)s Vorgang/Vorgänge in Ihr Konto übernommen.") % {"count": count}
            )
    return private_page(redirect("web:account"))


@require_POST
def account_delete_view(request: HttpRequest) -> HttpResponse:
    """Delete the account after the confirmation box was ticked; erases personal data, signs out."""
    citizen = _citizen_or_login(request)
    if citizen is None:
        return redirect("web:account")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten."))
        return redirect("web:account")
    logout(request)
    account_delete(user=citizen)
    messages.success(request, _("Ihr Konto und Ihre persönlichen Angaben wurden gelöscht."))
    return redirect("web:report-new")


@require_POST
def account_export(request: HttpRequest) -> HttpResponse:
    """„Meine Daten herunterladen“: the account and everything under its address as a JSON file."""
    citizen = _citizen_or_login(request)
    if citizen is None:
        return redirect("web:account")
    response = JsonResponse(
        account_data_export(user=citizen), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return private_page(response)
