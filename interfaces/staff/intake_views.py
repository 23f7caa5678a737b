"""„Meldung aufnehmen“: staff enter a report for a caller (phone), a visitor (counter), a letter or an
e-mail — ``/verwaltung/meldungen/neu/``.

Thin: the report goes through ``report_create``, the same write path as a citizen's, with the staff
member as ``user`` (``created_by``, the history's "Telefonisch aufgenommen.", the audit entry) and the
staff channel; the service also refuses a point outside the staff member's area. With an e-mail address
the caller gets the same receipt and tracking link as a web reporter.

Without JavaScript everything works in the one POST form: "Suchen" lists addresses as buttons ("pick"),
a button takes its coordinates into the fields; "Fragen laden" shows the chosen category's questions;
nothing typed so far is lost on the way. With JavaScript the map sets the coordinates on a click.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from domains.reports.services import report_create
from interfaces.staff.errors import staff_only
from interfaces.staff.intake_forms import IntakeForm
from interfaces.staff.maps import staff_map_config
from kernel.addresses.selectors import MAX_QUERY, MIN_QUERY, search
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import CoordinateError, parse_lon_lat
from kernel.organisations.scoping import scope_of

SEARCH_LIMIT = 8


def _candidates(query: str) -> tuple[list[dict[str, str]], str]:
    """Addresses for the search field as (label, "lat,lon") pairs, or a German sentence why there are none."""
    query = query.strip()[:MAX_QUERY]
    if len(query) < MIN_QUERY:
        return [], f"Bitte mindestens {MIN_QUERY} Zeichen für die Suche eingeben."
    hits = [hit for hit in search(query, limit=SEARCH_LIMIT) if hit.kind in ("address", "street")]
    if not hits:
        return (
            [],
            f"Keine Adresse zu „{query}“ gefunden. Bitte den Ort auf der Karte oder mit Koordinaten angeben.",
        )
    return [{"label": hit.label, "value": f"{hit.lat:.6f},{hit.lon:.6f}"} for hit in hits], ""


def _with_pick(data: QueryDict) -> tuple[QueryDict, str]:
    """The submitted values with the picked address's coordinates in lat/lon (or a message why not)."""
    lat, _, lon = (data.get("pick") or "").partition(",")
    try:
        parse_lon_lat(lon, lat)
    except CoordinateError:
        return data, "Diese Adresse ließ sich nicht übernehmen. Bitte erneut suchen."
    data = data.copy()
    data["lat"], data["lon"] = lat, lon
    return data, ""


def _render(request: HttpRequest, form: IntakeForm, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "map_config": staff_map_config(),
        "query": (request.POST.get("adresse") or "")[:MAX_QUERY],
        **extra,
    }
    return render(request, "staff/report_new.html", context, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        category = request.GET.get("category") or ""
        return _render(request, IntakeForm(initial={"channel": "telefon", "category": category}))
    if "search" in request.POST:
        candidates, message = _candidates(request.POST.get("adresse") or "")
        return _render(request, IntakeForm(request.POST), candidates=candidates, search_message=message)
    if "pick" in request.POST:
        data, message = _with_pick(request.POST)
        return _render(request, IntakeForm(data), search_message=message or "Ort übernommen.")
    form = IntakeForm(request.POST)
    if "refresh" in request.POST:  # show the chosen category's questions, store nothing
        return _render(request, form)
    try:
        created = report_create(draft=form.draft(), user=request.user)
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        return _render(request, form, status=400)
    report = created.report
    receipt = (
        f" Die Eingangsbestätigung mit dem Verfolgungslink geht an {report.reporter_email}."
        if report.reporter_email
        else " Ohne E-Mail-Adresse wird keine Eingangsbestätigung versandt."
    )
    messages.success(
        request, f"Meldung {report.public_id} aufgenommen ({report.organisation.name}).{receipt}"
    )
    if report.organisation_id in scope_of(request.user).manager_org_ids:
        return redirect("staff:report", public_id=report.public_id)
    return redirect("staff:report-new")  # routed to another body in the staff member's area (a utility)
