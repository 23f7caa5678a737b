"""The commune's kinds of special use (/verwaltung/einstellungen/antragsarten/), for its admins.

One page, no script needed: each of the platform's kinds with "angeboten" and the commune's own standard
conditions (Regelauflagen), the commune's own kinds, and a form for a new one. Every form posts on its own
(``form`` = ``setting`` / ``own`` / ``new``); the services check the admin role again, audit, and store all
or nothing. A refused new kind comes back with its values and the messages at its fields (400); the other
forms redirect back with the messages at the top.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from domains.permits.kinds import kind_settings_of, own_kind_in, own_kinds_of, platform_kind_by_slug
from domains.permits.models import FeeUnit
from domains.permits.services import (
    OwnKindValues,
    permit_kind_own_create,
    permit_kind_own_update,
    permit_kind_setting_set,
)
from interfaces.staff.errors import flash_error, staff_only
from interfaces.staff.settings_views import _admin_organisation, _back_to_page
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import Organisation, OrganisationKind
from shared.http.params import ascii_digits


def _values(post: Any) -> OwnKindValues:
    return OwnKindValues(
        name=post.get("name", ""),
        description=post.get("description", ""),
        unit=post.get("unit", ""),
        occupies_carriageway=bool(post.get("occupies_carriageway")),
        standard_conditions=post.get("standard_conditions", ""),
        active=bool(post.get("active")) if "own" == post.get("form") else True,
    )


def _save_setting(request: HttpRequest, org: Organisation) -> None:
    kind = platform_kind_by_slug(request.POST.get("kind", "")[:50])
    if kind is None:
        messages.error(request, "Unbekannte Art der Sondernutzung.")
        return
    enabled = bool(request.POST.get("enabled"))
    try:
        permit_kind_setting_set(
            actor=request.user,
            organisation=org,
            kind=kind,
            enabled=enabled,
            standard_conditions=request.POST.get("standard_conditions", ""),
        )
    except ValidationFailed as exc:
        flash_error(request, exc)
        return
    messages.success(request, f"„{kind.name}“ gespeichert: {'angeboten' if enabled else 'abgeschaltet'}.")


def _save_own(request: HttpRequest, org: Organisation) -> None:
    wanted = request.POST.get("kind_id", "")
    kind = own_kind_in(org, int(wanted)) if ascii_digits(wanted, max_digits=18) else None
    if kind is None:
        messages.error(request, "Unbekannte eigene Art.")
        return
    try:
        saved = permit_kind_own_update(
            actor=request.user, organisation=org, kind=kind, values=_values(request.POST)
        )
    except ValidationFailed as exc:
        flash_error(request, exc)
        return
    messages.success(request, f"„{saved.name}“ gespeichert.")


def _page(request: HttpRequest, org: Organisation, new: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {
        "org": org,
        "rows": kind_settings_of(org),
        "own_kinds": own_kinds_of(org),
        "units": FeeUnit.choices,
        "new": new,
    }
    return render(request, "staff/permit_kinds.html", context, status=status)


NEW_DEFAULTS = {"values": {"unit": FeeUnit.M2_DAY}, "errors": {}}


@staff_only
def permit_kinds(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if org.kind != OrganisationKind.COMMUNE:
        messages.info(request, "Antragsarten gibt es nur für Gemeinden.")
        return redirect("staff:settings")
    form = request.POST.get("form") if request.method == "POST" else None
    if form == "new":
        try:
            kind = permit_kind_own_create(actor=request.user, organisation=org, values=_values(request.POST))
        except ValidationFailed as exc:
            return _page(request, org, {"values": request.POST.dict(), "errors": exc.errors}, status=400)
        messages.success(request, f"Eigene Art „{kind.name}“ angelegt.")
        return _back_to_page(request, org)
    if form == "own":
        _save_own(request, org)
        return _back_to_page(request, org)
    if request.method == "POST":
        _save_setting(request, org)
        return _back_to_page(request, org)
    return _page(request, org, NEW_DEFAULTS)
