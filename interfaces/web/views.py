"""Citizen pages. Thin: they parse the request, call selectors/services and render templates.

The report form is progressively enhanced: without JavaScript it is a plain POST answered with the page
and the service's messages; the page script posts the same form with ``Accept: application/json`` and
gets the same messages as JSON, so it can show them beside the fields without a reload.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import Throttled

from domains.reports.danger import danger_notice, danger_notices, reporting_notices
from domains.reports.deadlines import public_deadline
from domains.reports.idempotency.services import form_key, new_idempotency_key
from domains.reports.models import Report
from domains.reports.notify import receipt_queued
from domains.reports.participation.selectors import confirmation_figures, public_timeline
from domains.reports.selectors import (
    ReportFilter,
    commune_figures,
    public_photos,
    report_for_reporter,
    report_public,
    reports_for_list,
)
from domains.reports.services import report_create, report_status_mails_stop
from domains.reports.services.inquiries import inquiry_open_path
from domains.reports.status_mails import status_mails_token_matches
from interfaces.web.deep_links import commune_link
from interfaces.web.forms import ReportFilterForm, ReportForm
from interfaces.web.participation.forms import UpdateForm
from interfaces.web.place_search import place_search
from interfaces.web.presentation import map_config, status_legend
from interfaces.web.subscription_forms import FollowForm
from kernel.boundaries.selectors import commune_current
from kernel.cases.tracking import tracking_token_matches
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from kernel.geo.coords import to_api
from kernel.organisations.models import RETENTION_DEFAULTS
from kernel.organisations.public_details import commune_contact
from kernel.organisations.readiness import commune_in_preparation
from kernel.organisations.retention_periods import organisations_with_own_retention
from shared.citizens.selectors import citizen_of, claims_of
from shared.http.filters import STATUS_ALIASES
from shared.http.throttling import ReportCreateThrottle, enforce
from shared.http.tile_cookie import note_own_change

PAGE_SIZE = 20
# The tracking token is handed to the confirmation page in a signed cookie that only that page's path
# receives and that the browser drops after 30 minutes — long enough for a reload or a language switch.
# The server never stores the raw token (only its hash, in the report), not even in the session table.
CREATED_COOKIE = "mm_created"
CREATED_COOKIE_SALT = "web.report-confirmation"
CREATED_SHOW_SECONDS = 30 * 60


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def remember_created(
    response: HttpResponse, token: str, confirmation_url: str, *, salt: str = CREATED_COOKIE_SALT
) -> HttpResponse:
    """Hand the tracking token to the confirmation page (and only that path) for 30 minutes."""
    response.set_signed_cookie(
        CREATED_COOKIE,
        token,
        salt=salt,
        max_age=CREATED_SHOW_SECONDS,
        path=confirmation_url,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def created_cookie_token(request: HttpRequest, *, salt: str = CREATED_COOKIE_SALT) -> str | None:
    """The token from the confirmation cookie (unchecked: the caller compares it with the case)."""
    return request.get_signed_cookie(CREATED_COOKIE, default=None, salt=salt, max_age=CREATED_SHOW_SECONDS)


def created_case_token(
    request: HttpRequest, case_type: type[Any], public_id: str, *, salt: str = CREATED_COOKIE_SALT
) -> str | None:
    """The tracking token the confirmation cookie carries, if it was made for this case: what every
    thank-you page (report, permit, parking permit) shows as the creator's link."""
    token = created_cookie_token(request, salt=salt)
    return token if token and tracking_token_matches(case_type, public_id, token) else None


def private_page(response: HttpResponse) -> HttpResponse:
    """A page behind a personal link (tracking token, signed link): never cached or indexed, and the
    token never sent on to other sites as referrer.

    ``same-origin``, not ``no-referrer``: with ``no-referrer`` browsers send ``Origin: null`` with the
    page's own POST forms (confirm, answer, follow, add an update, sign in), and Django's CSRF check
    refuses them with 403. Our own server gets the referrer; its access log does not record it."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


def throttled_response(
    request: HttpRequest, exc: Throttled, *, message: str | None = None, title: str | None = None
) -> HttpResponse:
    """429 as JSON for the page scripts or as a German page; ``message`` may hold ``%(minutes)s``."""
    minutes = max(1, round((exc.wait or 60) / 60))
    template = message or _(
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Meldungen. "
        "Bitte versuchen Sie es in %(minutes)s Minute(n) erneut."
    )
    text = template % {"minutes": minutes}
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": text, "code": "throttled"}, status=429)
    else:
        context = {"message": text, "title": title, "back_url": request.path}
        response = render(request, "web/throttled.html", context, status=429)
    response["Retry-After"] = str(int(exc.wait or 60))
    return response


def prefill(request: HttpRequest) -> dict[str, str]:
    """A signed-in citizen's name, e-mail and postal address from the identity provider's claims, as the
    initial values of a new form (the person can still change them); nothing for anonymous visitors."""
    citizen = citizen_of(request.user)
    if citizen is None:
        return {}
    claims = claims_of(citizen)
    return {"name": claims.name, "email": claims.email, "address": claims.address}


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Mängel melden: the map + form page (GET, also "Adresse oder Ort suchen" without JavaScript) and its
    submission (POST → confirmation)."""
    place = place_search(request)
    link = commune_link(request)  # /?gemeinde=<AGS>: centred on the commune, with its categories
    # One key per form shown (kept by the page's offline draft): a resent form creates no second report.
    key = form_key(request.POST.get("idempotency_key"))
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, ags=link.ags)
    else:
        form = ReportForm(initial={**prefill(request), **place.initial()}, ags=link.ags)
    status = link.status
    if request.method == "POST" and "refresh" not in request.POST:  # "Kategorie wählen": store nothing
        try:
            enforce(request, ReportCreateThrottle)
            draft = form.draft(request.FILES.getlist("photos"))
            draft.idempotency_key = key
            created = report_create(draft=draft, user=request.user, account=citizen_of(request.user))
        except Throttled as exc:
            return throttled_response(request, exc)
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
            status = 400
        except Conflict as exc:  # the key came with other content: nothing stored, a fresh key to send
            key, status = new_idempotency_key(), 409
            message = _(
                "Dieses Formular wurde bereits mit anderen Angaben gesendet; es wurde nichts gespeichert. "
                "Senden Sie es noch einmal, wird es als neue Meldung erfasst."
            )
            if wants_json(request):
                return JsonResponse({"detail": message, "code": exc.code, "idempotency_key": key}, status=409)
            form.add_error(None, message)
        else:
            url = reverse("web:report-confirmation", args=[created.report.public_id])
            response = JsonResponse({"redirect": url}, status=201) if wants_json(request) else redirect(url)
            return note_own_change(remember_created(response, created.tracking_token, url))
        if wants_json(request):
            return JsonResponse({"errors": form.errors_in_page_order()}, status=status)
    notices = danger_notices(link.ags or None)
    chosen = notices.get(str(form.data.get("category") or "")) if form.is_bound else None
    context = {
        "form": form,
        "idempotency_key": key,
        "danger": chosen,
        "notices": reporting_notices(link.ags or None),  # statewide, plus the linked commune's
        "danger_notices": {slug: {"mode": n.mode, "text": n.text} for slug, n in notices.items()},
        "place": place,
        "commune_link": link,
        "in_preparation": bool(link.ags) and commune_in_preparation(link.ags),
        "leika": settings.LEIKA_KEYS.get("report", ""),
        "map_config": map_config(highlight_ags=link.ags, fit_highlight=bool(link.ags)),
        "statuses": status_legend(),
    }
    return render(request, "web/report_new.html", context, status=status)


def report_confirmation(request: HttpRequest, public_id: str) -> HttpResponse:
    """After submitting: number, commune, next steps and — for the creator only — the tracking link. The
    creator's page even while the report waits for release (checked before publishing): it says so."""
    report = report_for_reporter(public_id)
    if report is None:
        raise Http404(_("Meldung nicht gefunden."))
    token = created_case_token(request, Report, report.public_id)
    if token is None:
        return redirect("web:report-detail", public_id=public_id)
    tracking_url = request.build_absolute_uri(reverse("web:report-track", args=[public_id, token]))
    context = {
        "report": report,
        "tracking_url": tracking_url,
        "receipt_sent": receipt_queued(report),
        "in_preparation": commune_in_preparation(report.commune.ags),
        "deadline": public_deadline(report),
        "danger": danger_notice(report.category, report.commune.ags),  # a "warn" category's call advice
    }
    response = render(request, "web/confirmation.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # a page without forms: nothing to post from here
    response["X-Robots-Tag"] = "noindex"
    return response


def report_context(report: Any) -> dict[str, Any]:
    return {
        "report": report,
        "history": public_timeline(report),  # status rows and published citizen updates, by time
        "update_form": UpdateForm(),
        "photos": public_photos(report),
        "point": to_api(report.location),  # one point: WGS84 for the small map and the coordinates
        "map_config": map_config(),
        "follow_form": FollowForm(),
        "contact": commune_contact(report.commune.ags),  # the footer's "Kontakt <Gemeinde>"
        "deadline": public_deadline(report),  # "Wir melden uns bis …" while the report is open
    }


def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    report = report_public(public_id)
    if report is None:
        raise Http404(_("Meldung nicht gefunden."))
    return render(request, "web/report_detail.html", report_context(report))


def report_track(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The creator's private link: the public page, marked as theirs, never indexed or cached. It keeps
    working when staff marked the report internal (it is still theirs); the page then says so."""
    report = report_for_reporter(public_id)
    if report is None or not tracking_token_matches(Report, report.public_id, token):
        raise Http404(_("Meldung nicht gefunden."))
    context = {**report_context(report), "tracking": True, "inquiry_path": inquiry_open_path(report)}
    return private_page(render(request, "web/report_detail.html", context))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def report_status_mails_stop_view(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The reporter's stop link of every status mail. RFC 8058 one-click: a POST (``List-Unsubscribe=
    One-Click`` from the mail provider, or the page's button) stops without cookies or CSRF token — the
    signed link is the authorisation; a GET only asks, so a link scanner stops nothing. Idempotent."""
    if not status_mails_token_matches(public_id, token):
        raise Http404(_("Dieser Link ist ungültig."))
    if request.method == "POST":
        try:
            report_status_mails_stop(public_id=public_id, token=token)
        except NotFound as exc:
            raise Http404(_("Dieser Link ist ungültig.")) from exc
    report = report_for_reporter(public_id)  # the reporter's own link: internal reports too
    if report is None:
        raise Http404(_("Dieser Link ist ungültig."))
    return private_page(render(request, "web/report_status_mails_stop.html", {"report": report}))


def _report_filter(values: dict[str, str]) -> ReportFilter:
    status = values.get("status")
    return ReportFilter(
        statuses=STATUS_ALIASES.get(status, [status] if status else []),
        categories=[values["category"]] if values.get("category") else [],
        commune=values.get("commune") or None,
    )


def _page(request: HttpRequest, flt: ReportFilter) -> Any:
    return Paginator(reports_for_list(flt), PAGE_SIZE).get_page(request.GET.get("page"))


def _list_feed_url(values: dict[str, str]) -> str:
    """The Atom feed matching the list's filters: the commune's feed, or the filtered reports feed."""
    if values.get("commune"):
        return reverse("web:feed-commune", args=[values["commune"]])
    query = urlencode({key: values[key] for key in ("category", "status") if values.get(key)})
    return reverse("web:feed-reports") + (f"?{query}" if query else "")


def report_list(request: HttpRequest) -> HttpResponse:
    """All reports, newest first, with filters; the map shows the same filters for the visible area."""
    form = ReportFilterForm(request.GET or None)
    values = form.values()
    context = {
        "form": form,
        "page": _page(request, _report_filter(values)),
        "filters": values,
        "feed_url": _list_feed_url(values),
        "map_config": map_config(),
        "statuses": status_legend(),
    }
    return render(request, "web/report_list.html", context)


def commune_detail(request: HttpRequest, ags: str) -> HttpResponse:
    """One commune: its figures, its reports and a map of its area."""
    commune = commune_current(ags)
    if commune is None:
        raise Http404(_("Gemeinde nicht gefunden."))
    context = {
        "commune": commune,
        "figures": commune_figures(ags),
        "confirmation": confirmation_figures(ags),
        "page": _page(request, ReportFilter(commune=ags)),
        "map_config": map_config(highlight_ags=ags),
        "statuses": status_legend(),
        "contact": commune_contact(ags),
        "in_preparation": commune_in_preparation(ags),
    }
    return render(request, "web/commune_detail.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    """What is stored, why and how long (the defaults, and the organisations that set their own), and who
    answers requests: the commune, and the platform operator from the settings."""
    context = {
        "retention": RETENTION_DEFAULTS,
        "own_periods": organisations_with_own_retention(),
        "account_days": settings.CITIZEN_ACCOUNT_RETENTION_DAYS,
        "operator": {
            "name": settings.PLATFORM_OPERATOR_NAME,
            "email": settings.PLATFORM_OPERATOR_EMAIL,
            "address": settings.PLATFORM_OPERATOR_ADDRESS,
        },
    }
    return render(request, "web/privacy.html", context)
