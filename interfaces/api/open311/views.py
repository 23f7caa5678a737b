"""Open311 GeoReport v2 views. Thin: parse parameters, call selectors/services, render.

POST ``requests`` accepts form-encoded and multipart bodies (a photo file in ``media``), with the API key
in the body or the query string. Anonymous POSTs are limited like the web form; a valid key gets its own
limit; an unknown or revoked key is refused with 403 before anything else is looked at.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from domains.reports.attributes import unknown_attribute_codes
from domains.reports.danger import notices_text, reporting_notices
from domains.reports.idempotency.services import key_clean
from domains.reports.media_fetch import media_fetch_schedule
from domains.reports.models import Category, Report
from domains.reports.selectors import categories_offered, public_rows, reports_public
from domains.reports.services import PhotoUpload, ReportDraft, report_create
from domains.reports.services.review import HELD_NOTICE
from interfaces.api.keys import active_api_key
from interfaces.api.open311 import params, representations
from interfaces.api.open311.errors import Open311Error, error_response, open311_endpoint
from interfaces.api.open311.formats import DEFAULT_FORMAT, render
from interfaces.api.open311.params import Jurisdiction, single
from interfaces.api.open311.throttling import ApiKeyThrottle
from kernel.addresses.selectors import AddressAmbiguous, AddressNotFound, geocode
from kernel.boundaries.assignment import OutsideSaxony, assign_point
from kernel.geo.coords import CoordinateError, parse_lon_lat
from shared.http.middleware.query_secrets import query_secret
from shared.http.throttling import ReportCreateThrottle, enforce

# Our field names → the ones Open311 clients send, so that every message names the client's field.
FIELD_NAMES = {
    "category": "service_code",
    "lon": "long",
    "location": "lat/long",
    "place": "address_string",
    "name": "first_name/last_name",
    "photos": "media",
    "attributes": "attribute",
}
ACCOUNT_ID_MAX = 100


def _media_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(settings.MEDIA_URL)


def _requests_in(jurisdiction: Jurisdiction | None) -> QuerySet[Report]:
    qs = reports_public()
    if jurisdiction is None:
        return qs
    if jurisdiction.is_commune:
        return qs.filter(commune__ags=jurisdiction.ags)
    return qs.filter(district__ags=jurisdiction.ags)


@open311_endpoint()
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(representations.discovery(), fmt=fmt, root="discovery")


@open311_endpoint()
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = params.jurisdiction(request.GET)
    ags = jurisdiction.ags if jurisdiction and jurisdiction.is_commune else None
    notices = notices_text(reporting_notices(ags))
    services = [representations.service(category, ags, notices) for category in categories_offered(ags)]
    return render(services, fmt=fmt, root="services")


@open311_endpoint()
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    jurisdiction = params.jurisdiction(request.GET)
    ags = jurisdiction.ags if jurisdiction and jurisdiction.is_commune else None
    category = categories_offered(ags).filter(slug=service_code).first()
    if category is None:
        raise Open311Error(404, [f"service_code: unbekannt „{service_code[:60]}“ (siehe services.xml)."])
    return render(representations.service_definition(category), fmt=fmt, root="service_definition")


@sensitive_post_parameters("api_key")  # an error mail shows POST fields: not this one
@csrf_exempt  # no cookies or sessions are used here; clients authenticate (if at all) with api_key
@open311_endpoint(methods=("GET", "POST"))
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    jurisdiction = params.jurisdiction(request.GET)
    query = params.request_query(request.GET)
    qs = _requests_in(jurisdiction)
    if query.ids:
        qs = qs.filter(public_id__in=query.ids)
    else:
        qs = qs.filter(created__gte=query.start, created__lt=query.end)
        if query.service_codes:
            qs = qs.filter(category__slug__in=query.service_codes)
        if query.statuses:
            qs = qs.filter(status__in=query.statuses)
    rows = public_rows(
        qs.order_by("-created", "-id"), media_base=_media_base(request), limit=params.MAX_RESULTS
    )
    return render([representations.request(row) for row in rows], fmt=fmt, root="service_requests")


@open311_endpoint()
def service_request(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """One request — as an array with one element, as the spec shows it."""
    jurisdiction = params.jurisdiction(request.GET)
    rows = public_rows(
        _requests_in(jurisdiction).filter(public_id=request_id), media_base=_media_base(request), limit=1
    )
    if not rows:
        raise Open311Error(404, [f"service_request_id: Meldung „{request_id[:20]}“ nicht gefunden."])
    return render([representations.request(rows[0])], fmt=fmt, root="service_requests")


@open311_endpoint()
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Our requests are created at once (type realtime) and never answer with a token; clients that ask
    anyway get the request id for the id they hold."""
    jurisdiction = params.jurisdiction(request.GET)
    if not _requests_in(jurisdiction).filter(public_id=token).exists():
        raise Open311Error(404, [f"token: „{token[:20]}“ nicht gefunden."])
    return render([{"service_request_id": token, "token": token}], fmt=fmt, root="service_requests")


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /open311/: a 404 in the spec's error format (JSON if the path asks for it)."""
    fmt = "json" if path.lower().endswith(".json") else DEFAULT_FORMAT
    return error_response(
        fmt,
        Open311Error(
            404, ["Nicht gefunden. Die Schnittstelle liegt unter /open311/v2/ (z. B. services.xml)."]
        ),
    )


# --- POST requests -----------------------------------------------------------------------------------


def _authorize(request: HttpRequest) -> None:
    """403 for an unknown or revoked key; then the key's own limit, or the anonymous per-IP limit."""
    # A key in the query string was taken out of it before logging could see it (shared.http.middleware.query_secrets).
    key = single(request.POST, "api_key") or query_secret(request, "api_key")
    if key:
        api_key = active_api_key(key)
        if api_key is None:
            raise Open311Error(
                403,
                [
                    "api_key: ungültig oder widerrufen. Schlüssel vergibt der Betrieb des Mängelmelders; "
                    "ohne api_key wird die Meldung als anonyme Bürgermeldung angenommen."
                ],
            )
        request.open311_api_key = api_key  # type: ignore[attr-defined]
        enforce(request, ApiKeyThrottle)
    else:
        enforce(request, ReportCreateThrottle)


def _location(data: Any) -> tuple[Any, Any]:
    """(long, lat): as sent when either is given (preferred), else the geocoded ``address_string``."""
    if single(data, "lat") or single(data, "long"):
        return data.get("long"), data.get("lat")
    text = single(data, "address_string")
    if text:
        try:
            hit = geocode(text)
        except (AddressNotFound, AddressAmbiguous) as exc:
            raise Open311Error(400, [f"address_string: {exc.message}"]) from None
        return hit.lon, hit.lat
    if single(data, "address_id"):
        raise Open311Error(
            400,
            ["lat/long: Bitte senden Sie den Ort als lat und long (WGS84) oder als address_string."],
        )
    return None, None  # report_create names the missing place


def _check_jurisdiction(jurisdiction: Jurisdiction | None, lon: Any, lat: Any) -> None:
    """A POST for a jurisdiction must lie in it (otherwise report_create finds the place's own commune)."""
    if jurisdiction is None:
        return
    try:
        assignment = assign_point(parse_lon_lat(lon, lat))
    except (CoordinateError, OutsideSaxony):
        return  # report_create names the problem with the client's field names
    ags = assignment.commune.ags if jurisdiction.is_commune else assignment.district.ags
    if ags != jurisdiction.ags:
        raise Open311Error(
            400,
            [
                f"jurisdiction_id: Der Ort liegt nicht in {jurisdiction.name} ({jurisdiction.ags}), "
                f"sondern in {assignment.commune.name} ({assignment.commune.ags})."
            ],
        )


def _draft(request: HttpRequest, lon: Any, lat: Any) -> ReportDraft:
    data = request.POST
    name = " ".join(part for part in (single(data, "first_name"), single(data, "last_name")) if part)
    return ReportDraft(
        category=single(data, "service_code"),
        description=data.get("description", ""),
        lon=lon,
        lat=lat,
        place=single(data, "address_string"),
        name=name,
        email=single(data, "email"),
        phone=single(data, "phone"),
        photos=[
            PhotoUpload(file=f, name=f.name or "media", size=f.size) for f in request.FILES.getlist("media")
        ],
        attributes=params.posted_attributes(data),
        channel="open311",
        field_names=FIELD_NAMES,
        idempotency_key=key_clean(request.headers.get("Idempotency-Key")),
        idempotency_client=str(getattr(getattr(request, "open311_api_key", None), "pk", "") or ""),
    )


def _notice(report: Report, category: Category, answers: dict, media_url: str) -> str:
    """What the citizen's app should show: who handles it and by when, and what we did not use."""
    due = f" Voraussichtlich erledigt bis {timezone.localtime(report.due):%d.%m.%Y}." if report.due else ""
    parts = [
        f"Vielen Dank! Ihre Meldung {report.public_id} wurde an {report.commune.name} weitergeleitet.{due}"
    ]
    if report.held_for_review:  # Open311 has no field for it: the notice the app shows says it (docs/api.md)
        parts.append(HELD_NOTICE)
    if media_url:
        if media_fetch_schedule(report=report, url=media_url):
            parts.append("Das Foto unter media_url wird abgerufen und nach einer Prüfung angehängt.")
        else:
            parts.append(
                "Das Foto unter media_url wurde nicht abgerufen: Fotos werden nur von freigegebenen Servern "
                "geladen. Bitte senden Sie es als Datei im Feld media."
            )
    ignored = unknown_attribute_codes(category, answers)
    if ignored:
        parts.append(f"Nicht verwendete Zusatzangaben: {', '.join(code[:60] for code in ignored[:10])}.")
    return " ".join(parts)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST  # reading it may raise for broken bodies; the decorator answers 400
    _authorize(request)
    jurisdiction = params.jurisdiction(data if single(data, "jurisdiction_id") else request.GET)
    lon, lat = _location(data)
    _check_jurisdiction(jurisdiction, lon, lat)
    draft = _draft(request, lon, lat)
    created = report_create(
        draft=draft,
        # Inside the creating transaction (it reads and queues): never an error for a stored report.
        present=lambda r: _notice(r, r.category, dict(draft.attributes), single(data, "media_url")),
    )
    report, notice = created.report, created.presented
    account_id = single(data, "account_id")[:ACCOUNT_ID_MAX] or None
    # 200 rather than 201: the spec names no success code and some clients accept exactly 200.
    result = {"service_request_id": report.public_id, "service_notice": notice, "account_id": account_id}
    return render([result], fmt=fmt, root="service_requests")
