"""Mein Konto: the signed-in citizen's cases with their status, and signing out. Thin: the account's
reads come from ``citizens.selectors``; the login itself is ``citizens.oidc`` (django-allauth)."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from citizens.oidc import providers
from citizens.selectors import cases_of_account, citizen_of, claims_of
from web.presentation import parking_status, permit_status


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def account_home(request: HttpRequest) -> HttpResponse:
    """Signed in as a citizen: name, address and cases. Otherwise: the login buttons (or, with no provider
    configured, the note that everything works without an account)."""
    citizen = citizen_of(request.user)
    if citizen is None:
        return _no_store(render(request, "web/account_login.html", {"providers": providers()}))
    cases = cases_of_account(citizen)
    context = {
        "claims": claims_of(citizen),
        "reports": cases.reports,
        "permits": [(p, permit_status(p.status, p.start, p.end)) for p in cases.permits],
        "parking": [(p, parking_status(p.status, p.valid_until)) for p in cases.parking],
    }
    return _no_store(render(request, "web/account.html", context))


@require_POST
def account_logout(request: HttpRequest) -> HttpResponse:
    """Sign the citizen out here (the provider's own session is the provider's business)."""
    if citizen_of(request.user) is not None:
        logout(request)
    return redirect("web:report-new")
