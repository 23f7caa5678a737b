"""/kontrolle/: enforcement staff check a parking card (scanned or typed) against the plate on the car.

Without JavaScript the form posts here and the server checks (domains.permits.parking_card.check_card). With
JavaScript the page checks in the browser with the same rules (static/staff/kontrolle.js, WebCrypto), so it
works without network once loaded; the revocation list is kept from the last time it could be fetched.
The page carries the commune's plate-hash key: only Vollzugsdienst and administration of that commune get
it, never cached.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from domains.permits.parking_card import CardCheck, b64, check_card, plate_key, verification_keys
from domains.permits.selectors import parking_zones_of, revoked_parking_numbers
from domains.permits.services.parking import normalise_plate
from interfaces.staff.errors import staff_only
from kernel.core.errors import ValidationFailed
from kernel.core.key_ids import LEGACY_KID
from kernel.organisations.scoping import Forbidden, enforcement_organisations


def _check(post: dict, ags: str) -> tuple[CardCheck | None, str]:
    try:
        plate = normalise_plate(post.get("plate", ""))
    except ValidationFailed as exc:
        return None, exc.errors["licence_plate"][0]
    code = str(post.get("code", "")).strip()
    if not code:
        return None, "Bitte den Code des Ausweises scannen oder eingeben."
    today = timezone.localdate()
    revoked = set(revoked_parking_numbers(today=today))
    return check_card(
        code, plate=plate, ags=ags, zone=str(post.get("zone", "")), on=today, revoked=revoked
    ), ""


@staff_only
@require_http_methods(["GET", "POST"])
def kontrolle(request: HttpRequest) -> HttpResponse:
    organisations = list(enforcement_organisations(request.user).exclude(ags=""))
    if not organisations:
        raise Forbidden("Die Parkausweis-Kontrolle ist dem Vollzugsdienst vorbehalten.")
    chosen = request.POST.get("org") or request.GET.get("org")
    org = next((o for o in organisations if str(o.pk) == chosen), organisations[0])
    result, error = _check(request.POST, org.ags) if request.method == "POST" else (None, "")
    context = {
        "org": org,
        "organisations": organisations,
        "zones": parking_zones_of(org.ags),
        "result": result,
        "error": error,
        "values": request.POST,
        "config": {
            "ags": org.ags,
            "keys": verification_keys(),  # [{"kid", "key"}]: the card's kid picks the key
            "legacyKid": LEGACY_KID,
            "plateKey": b64(plate_key(org.ags)),
            "revokedUrl": reverse("parking-permits-revoked"),
        },
    }
    response = render(request, "staff/kontrolle.html", context, status=400 if error else 200)
    response["Cache-Control"] = "private, no-store"
    return response
