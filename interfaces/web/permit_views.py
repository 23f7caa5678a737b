"""Application pages: Sondernutzung beantragen (with a fee estimate before submitting), Bewohnerparkausweis
beantragen, and the applicant's private tracking pages. Thin, like ``interfaces.web.views``: parse the request, call
``domains.permits.services`` / ``domains.permits.selectors``, render.

Both forms work without JavaScript (plain POST answered with the page and the service's messages); the
page scripts post the same forms with ``Accept: application/json`` and show the same messages in place.
"Gebühr berechnen" (``action=estimate``) re-renders the form with the estimate computed on the server;
with JavaScript the estimate comes from ``POST /api/v1/permits/estimate/`` as the values change.

After an application the applicant lands on a thank-you page that gets the tracking token the same way
the report confirmation does (``interfaces.web.views.remember_created``: a signed cookie for that path
only, 30 minutes) and shows the link with a copy button (``web/_tracking_link.html``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import Throttled

from domains.permits.kinds import kind_with_slug
from domains.permits.media import notice_url
from domains.permits.models import ParkingPermit, Permit
from domains.permits.notify import parking_receipt_queued
from domains.permits.parking_card import card_for_permit, qr_svg
from domains.permits.payment_state import fee_claim_of, payment_due, payment_label
from domains.permits.selectors import (
    parking_permit_for_applicant,
    parking_public_history,
    parking_zone_features,
    permit_commune_shares,
    permit_conditions,
    permit_for_applicant,
    permit_public_history,
)
from domains.permits.services import (
    Estimate,
    ParkingEstimate,
    parking_apply,
    parking_estimate,
    permit_create,
    permit_estimate,
)
from domains.permits.workflow import PermitStatus
from interfaces.web.deep_links import commune_link
from interfaces.web.permit_forms import ParkingForm, PermitForm
from interfaces.web.place_search import place_search
from interfaces.web.presentation import map_config, parking_status, permit_form_texts, permit_status
from interfaces.web.views import (
    created_case_token,
    prefill,
    private_page,
    remember_created,
    throttled_response,
    wants_json,
)
from kernel.cases.tracking import tracking_path, tracking_token, tracking_token_matches
from kernel.core.errors import ValidationFailed
from shared.citizens.selectors import citizen_of
from shared.http.throttling import PermitEstimateThrottle, ReportCreateThrottle, enforce

PERMIT_COOKIE_SALT = "web.permit-confirmation"
PARKING_COOKIE_SALT = "web.parking-confirmation"


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    message = _(
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anträge. "
        "Bitte versuchen Sie es in %(minutes)s Minute(n) erneut."
    )
    return throttled_response(request, exc, message=message, title=_("Zu viele Anträge"))


def _estimates_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    message = _(
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Gebührenberechnungen. "
        "Bitte versuchen Sie es in %(minutes)s Minute(n) erneut."
    )
    return throttled_response(request, exc, message=message, title=_("Zu viele Berechnungen"))


def _page_config(**extra: Any) -> dict[str, Any]:
    config = map_config()
    config["texts"] = {**config["texts"], **permit_form_texts()}
    config.update(extra)
    return config


# --- Sondernutzung ----------------------------------------------------------------------------------


def estimate_display(estimate: Estimate) -> dict[str, Any]:
    """What the page shows of an estimate: the same shape as ``POST /api/v1/permits/estimate/``."""
    return {
        "area_m2": estimate.area.area_m2,
        "communes": [{"name": s.commune.name, "share": s.share} for s in estimate.area.assignment.shares],
        "fee": estimate.fee.as_dict(),
    }


def _estimate(form: PermitForm, files: Any) -> dict[str, Any] | None:
    """The estimate to show; the kind list is then the one of the commune holding the area (its own
    kinds appear, switched-off ones go), as the application will go there."""
    try:
        estimate = permit_estimate(draft=form.draft(files))
        form.scope_to(estimate.area.assignment.primary.ags)
        return estimate_display(estimate)
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        return None


def _create(request: HttpRequest, form: PermitForm) -> HttpResponse:
    """Submit the application (raises ValidationFailed) and answer with the way to the confirmation."""
    created = permit_create(
        draft=form.draft(request.FILES), user=request.user, account=citizen_of(request.user)
    )
    url = reverse("web:permit-confirmation", args=[created.permit.public_id])
    response = JsonResponse({"redirect": url}, status=201) if wants_json(request) else redirect(url)
    return remember_created(response, created.tracking_token, url, salt=PERMIT_COOKIE_SALT)


def _kind_notice(slug: str, link: Any) -> str:
    """Why the linked kind (``?art=``) is not preselected: unknown, or not offered in the linked commune."""
    kind = kind_with_slug(slug) if link.commune is not None else None
    if kind is not None:
        return _(
            "In dieser Gemeinde (%(name)s) kann „%(art)s“ nicht beantragt werden. Bitte wählen Sie unten eine andere Art."
        ) % {"name": link.commune.name, "art": kind.name}
    return _("Eine Art der Sondernutzung „%(art)s“ gibt es nicht. Bitte wählen Sie sie unten aus.") % {
        "art": slug[:40]
    }


@require_http_methods(["GET", "POST"])
def permit_new(request: HttpRequest) -> HttpResponse:
    """Sondernutzung beantragen: map + form (GET), estimate (POST action=estimate) or submission."""
    link = commune_link(request)  # ?gemeinde=<AGS>&art=<slug> from Amt24 or a commune website
    kind_notice, initial = "", {}
    if request.GET.get("art"):
        initial["kind"] = request.GET["art"]
    form = (
        PermitForm(request.POST, request.FILES)
        if request.method == "POST"
        else PermitForm(initial={**prefill(request), **initial}, ags=link.ags)
    )
    if initial and initial["kind"] not in form.kind_units():
        kind_notice = _kind_notice(initial["kind"], link)
        form.initial.pop("kind")
    estimate = None
    status = link.status if link.status != 200 else (404 if kind_notice else 200)
    if request.method == "POST":
        if request.POST.get("action") == "estimate":
            try:  # the same PostGIS work and budget as POST /api/v1/permits/estimate/
                enforce(request, PermitEstimateThrottle)
            except Throttled as exc:
                return _estimates_throttled(request, exc)
            estimate = _estimate(form, request.FILES)
        else:
            try:
                enforce(request, ReportCreateThrottle)
                return _create(request, form)
            except Throttled as exc:
                return _throttled(request, exc)
            except ValidationFailed as exc:
                form.add_service_errors(exc.errors)
        if form.errors:
            status = 400
        if wants_json(request):
            return JsonResponse({"errors": form.errors_in_page_order()}, status=status)
    context = {
        "form": form,
        "place": place_search(request),
        "estimate": estimate,
        "attachments_again": form.files_to_choose_again("attachments", shown_again=estimate is not None),
        "map_config": _page_config(
            estimateUrl=reverse("permit-estimate"),
            kindUnits=form.kind_units(),
            highlightAgs=link.ags,
            fitHighlight=bool(link.ags),
        ),
        "commune_link": link,
        "kind_notice": kind_notice,
        "leika": settings.LEIKA_KEYS.get("permit", ""),
    }
    return render(request, "web/permit_new.html", context, status=status)


def _permit_context(permit: Any) -> dict[str, Any]:
    status = permit_status(permit.status, permit.start, permit.end)
    return {
        "permit": permit,
        "status": status,
        "communes": permit_commune_shares(permit),
        "fee": {"total": permit.fee_total, "lines": permit.fee_lines, "complete": bool(permit.fee_lines)},
        "conditions": permit_conditions(permit) if permit.status == PermitStatus.APPROVED else [],
    }


def permit_confirmation(request: HttpRequest, public_id: str) -> HttpResponse:
    """After submitting: number, communes, fee, next steps and the tracking link (cookie holder only).

    Without the cookie the same "no longer available" page answers for every number, so this page does
    not reveal which application numbers exist."""
    token = created_case_token(request, Permit, public_id, salt=PERMIT_COOKIE_SALT)
    permit = permit_for_applicant(public_id) if token else None
    if permit is None:
        return private_page(render(request, "web/permit_confirmation_gone.html", status=404))
    tracking_url = request.build_absolute_uri(reverse("web:permit-track", args=[public_id, token]))
    context = {**_permit_context(permit), "tracking_url": tracking_url}
    return private_page(render(request, "web/permit_confirmation.html", context))


def permit_track(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The applicant's private page: state, period, area, communes, fee, conditions, public notes, map."""
    if not tracking_token_matches(Permit, public_id, token):
        raise Http404(_("Antrag nicht gefunden."))
    permit = permit_for_applicant(public_id)
    if permit is None:
        raise Http404(_("Antrag nicht gefunden."))
    context = {
        **_permit_context(permit),
        "history": [
            {**entry, "badge": permit_status(entry["status"])} for entry in permit_public_history(permit)
        ],
        "area_geojson": json.loads(permit.area_geojson),
        "map_config": map_config(),
        # The applicant's own files, opened by the same tracking token (interfaces.web.media checks it).
        "attachments": [
            {"name": a.original_name, "url": f"{a.file.url}?{urlencode({'token': token})}", "size": a.size}
            for a in permit.attachments.order_by("id")
        ],
        **_notices_context(permit, token),
    }
    return private_page(render(request, "web/permit_track.html", context))


def _notice_links(case: Permit | ParkingPermit, token: str) -> list[dict]:
    """The case's notices with the applicant's download links (the tracking token opens them)."""
    return [
        {
            "title": n.get_kind_display(),
            "url": notice_url(n, token=token),
            "size": n.size,
            "created": n.created,
        }
        for n in sorted(case.notices.all(), key=lambda n: n.pk)  # prefetched on Mein Konto
    ]


def applicant_links(case: Permit | ParkingPermit) -> dict:
    """The applicant's private page and notice downloads of ``case``, for Mein Konto: the same links the
    mails carry (the tracking token opens them), so the account needs no second way into private files."""
    return {
        "tracking": tracking_path(case),
        "notices": _notice_links(case, tracking_token(type(case), case.public_id)),
    }


def _notices_context(case: Permit | ParkingPermit, token: str) -> dict:
    """The applicant's notices (opened by the tracking token, interfaces.web.media checks it) and the fee to pay."""
    claim = fee_claim_of(case)
    return {
        "claim": claim,
        "payment_label": payment_label(claim),
        "payment_due": payment_due(claim),
        "notices": _notice_links(case, token),
    }


# --- Bewohnerparkausweis ----------------------------------------------------------------------------


def _zones() -> list[dict[str, str]]:
    return [json.loads(feature)["properties"] for feature in parking_zone_features()]


def _parking_estimate(form: ParkingForm, data: Any) -> ParkingEstimate | None:
    """Zone and fee for the place in ``data`` (lat/lon); the service's messages go onto the form."""
    try:
        return parking_estimate(lon=data.get("lon"), lat=data.get("lat"))
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        return None


def _estimate_json(request: HttpRequest, form: ParkingForm, estimate: ParkingEstimate | None) -> HttpResponse:
    """The page script's answer: the zone and the same estimate box the page renders (the server formats
    the fee), or the messages keyed by field."""
    if estimate is None:
        return JsonResponse({"errors": form.errors_in_page_order()}, status=400)
    zone = {"code": estimate.zone.code, "name": estimate.zone.name, "commune": estimate.commune.name}
    html = render_to_string("web/_parking_estimate.html", {"estimate": estimate}, request=request)
    return JsonResponse({"zone": zone, "html": html})


def _chosen_place_estimate(place: Any) -> dict[str, Any]:
    """A place chosen by „Adresse oder Ort suchen“ (GET with lat/lon): its zone and fee at once, or the
    refusal, shown in the estimate box (the form itself is not judged before anything was sent)."""
    if not place.initial():
        return {}
    try:
        return {"estimate": parking_estimate(lon=place.chosen.lon, lat=place.chosen.lat)}
    except ValidationFailed as exc:
        return {"estimate_problem": " ".join(m for ms in exc.errors.values() for m in ms)}


def _parking_submit(request: HttpRequest, form: ParkingForm) -> HttpResponse | None:
    """Apply; the way to the thank-you page, or None with the service's messages on the form."""
    try:
        enforce(request, ReportCreateThrottle)
        created = parking_apply(**form.values(), account=citizen_of(request.user))
    except Throttled as exc:
        return _throttled(request, exc)
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        return None
    url = reverse("web:parking-confirmation", args=[created.permit.public_id])
    response = JsonResponse({"redirect": url}, status=201) if wants_json(request) else redirect(url)
    return private_page(remember_created(response, created.tracking_token, url, salt=PARKING_COOKIE_SALT))


@require_http_methods(["GET", "POST"])
def parking_new(request: HttpRequest) -> HttpResponse:
    """Bewohnerparkausweis beantragen: map with the zones + form; zone and fee before submitting
    (``action=estimate``, live from the page script, or at once for a place chosen by the search);
    success → the thank-you page."""
    place = place_search(request)
    if request.method == "GET":
        form = ParkingForm(initial={**prefill(request), **place.initial()})
        shown = _chosen_place_estimate(place)
    elif request.POST.get("action") == "estimate":
        try:  # the same budget as the permit estimate (THROTTLE_PERMIT_ESTIMATE)
            enforce(request, PermitEstimateThrottle)
        except Throttled as exc:
            return _estimates_throttled(request, exc)
        form = ParkingForm(request.POST)
        shown = {"estimate": _parking_estimate(form, request.POST)}
        if wants_json(request):
            return _estimate_json(request, form, shown["estimate"])
    else:
        form = ParkingForm(request.POST)
        answer = _parking_submit(request, form)
        if answer is not None:
            return answer
        if wants_json(request):
            return JsonResponse({"errors": form.errors_in_page_order()}, status=400)
        shown = {}
    context = {
        **shown,
        "form": form,
        "place": place,
        "zones": _zones(),
        "map_config": _page_config(parkingZonesUrl=reverse("parking-zones")),
        "leika": settings.LEIKA_KEYS.get("parking", ""),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/parking_new.html", context, status=status)


def parking_confirmation(request: HttpRequest, public_id: str) -> HttpResponse:
    """After submitting: number, zone, yearly fee, next steps and the tracking link (cookie holder only);
    without the cookie the same "no longer available" page as for permits, whatever the number."""
    token = created_case_token(request, ParkingPermit, public_id, salt=PARKING_COOKIE_SALT)
    permit = parking_permit_for_applicant(public_id) if token else None
    if permit is None:
        return private_page(render(request, "web/permit_confirmation_gone.html", status=404))
    context = {
        "permit": permit,
        "tracking_url": request.build_absolute_uri(reverse("web:parking-track", args=[public_id, token])),
        "receipt_sent": parking_receipt_queued(permit),
    }
    return private_page(render(request, "web/parking_confirmation.html", context))


def parking_track(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The applicant's private page: state, zone, yearly fee, permit number and validity, the plate."""
    if not tracking_token_matches(ParkingPermit, public_id, token):
        raise Http404(_("Antrag nicht gefunden."))
    permit = parking_permit_for_applicant(public_id)
    if permit is None:
        raise Http404(_("Antrag nicht gefunden."))
    context = {
        "permit": permit,
        "status": parking_status(permit.status, permit.valid_until),
        "approved": permit.status == PermitStatus.APPROVED,
        "history": [
            {**entry, "badge": permit_status(entry["status"])} for entry in parking_public_history(permit)
        ],
        **_notices_context(permit, token),
    }
    code = card_for_permit(permit, today=timezone.localdate())
    if code:
        context.update(card_code=code, card_qr=qr_svg(code))
    return private_page(render(request, "web/parking_track.html", context))
