"""The commune admin's parking zone page (``/verwaltung/einstellungen/parkzonen/``): upload, column choice,
review (map and table), publish — every step a plain form, so the flow needs no JavaScript.

The upload is refused by its Content-Length before Django parses the body: the view is CSRF-exempt only
so that the CSRF middleware does not read ``request.POST`` (which would stream a 50 MB body to a
temporary file first); the token is checked right after the size check by ``csrf_protect`` on the inner
view. A body within the limit is parsed as usual (to disk above ``FILE_UPLOAD_MAX_MEMORY_SIZE``).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from domains.permits.selectors import parking_zone_draft_of, parking_zones_current
from domains.permits.services.parking_zones import (
    parking_zones_choose_columns,
    parking_zones_discard,
    parking_zones_publish,
    parking_zones_review,
    parking_zones_upload,
)
from interfaces.staff.errors import flash_domain_errors, staff_only
from interfaces.staff.maps import staff_map_config
from interfaces.staff.settings_views import _admin_organisation
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import to_api
from kernel.geo.vector_files import MAX_FILE_BYTES, too_large_message
from kernel.organisations.models import Organisation, OrganisationKind

# Room for the multipart framing and the other fields around a file of MAX_FILE_BYTES.
FORM_OVERHEAD_BYTES = 64 * 1024


def _back(org: Organisation) -> HttpResponse:
    return redirect(f"{reverse('staff:parking-zones')}?organisation={org.pk}")


def _map_data(reviews: list) -> dict:
    """The draft's zones as WGS84 GeoJSON for the review map (name, code, fee, whether it has a problem)."""
    features = [
        {
            "type": "Feature",
            "properties": {
                "number": r.number,
                "name": r.name,
                "code": r.code,
                "fee": f"{r.fee:.2f} €".replace(".", ",") if r.fee is not None else "",
                "problem": bool(r.problems),
            },
            "geometry": json.loads(to_api(r.geom).geojson),
        }
        for r in reviews
    ]
    return {"type": "FeatureCollection", "features": features}


def _post(request: HttpRequest, org: Organisation) -> HttpResponse:
    action = request.POST.get("form", "")
    draft = parking_zone_draft_of(org.pk)
    with flash_domain_errors(request, only=ValidationFailed):
        if action == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed({"file": ["Bitte eine Datei wählen."]})
            draft = parking_zones_upload(actor=request.user, organisation=org, uploaded_file=upload)
            messages.success(
                request, f"{draft.zones.count()} Gebiete gelesen. Bitte Spalten prüfen und die Karte ansehen."
            )
        elif draft is None:
            messages.error(request, "Es gibt keinen hochgeladenen Entwurf (mehr). Bitte die Datei hochladen.")
        elif action == "columns":
            parking_zones_choose_columns(
                actor=request.user,
                draft=draft,
                name_column=request.POST.get("name_column", ""),
                code_column=request.POST.get("code_column", ""),
                fee_column=request.POST.get("fee_column", ""),
            )
            messages.success(request, "Spalten übernommen.")
        elif action == "publish":
            zones = parking_zones_publish(actor=request.user, draft=draft)
            messages.success(
                request,
                f"{len(zones)} Bewohnerparkgebiete veröffentlicht. Die bisherigen Gebiete sind beendet; "
                "ausgestellte Parkausweise gelten bis zu ihrem Ende weiter.",
            )
        elif action == "discard":
            parking_zones_discard(actor=request.user, draft=draft)
            messages.success(request, "Entwurf verworfen.")
    return _back(org)


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # the request guard answers a malformed length itself
    return length > MAX_FILE_BYTES + FORM_OVERHEAD_BYTES


@csrf_protect
def _page(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    return _post(request, org) if request.method == "POST" else _show(request, org)


def _context(org: Organisation, reviews: list) -> dict:
    return {
        "org": org,
        "reviews": reviews,
        "problems": [p for r in reviews for p in r.problems],
        "zones": parking_zones_current(org.ags),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "map_config": staff_map_config(),
        "zone_data": _map_data(reviews),
    }


def _show(request: HttpRequest, org: Organisation) -> HttpResponse:
    if org.kind != OrganisationKind.COMMUNE:
        messages.info(request, "Bewohnerparkgebiete gibt es nur für Gemeinden.")
        return redirect("staff:settings")
    draft = parking_zone_draft_of(org.pk)
    context = {**_context(org, parking_zones_review(draft) if draft else []), "draft": draft}
    return render(request, "staff/parking_zones.html", context)


@csrf_exempt
@staff_only
def parking_zones(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _too_large(request):
        # Nothing of the body is read (an empty POST stands in for it); the answer says why, in the page.
        request._post, request._files = QueryDict(), MultiValueDict()
        org = _admin_organisation(request)
        size = int(request.META["CONTENT_LENGTH"])
        context = {**_context(org, []), "draft": None, "too_large": too_large_message(size)}
        response = render(request, "staff/parking_zones.html", context, status=413)
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response
    return _page(request)
