"""Citizen pages. Thin: they parse the request, call selectors/services and render templates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from reports.selectors import public_history, public_photos, report_public
from reports.services import tracking_token_matches


def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    report = report_public(public_id)
    if report is None:
        raise Http404("Meldung nicht gefunden.")
    context = {"report": report, "history": public_history(report), "photos": public_photos(report)}
    return render(request, "web/report_detail.html", context)


def report_track(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The creator's private link: the public page plus what only they may see (their own contact data)."""
    report = report_public(public_id)
    if report is None or not tracking_token_matches(report, token):
        raise Http404("Meldung nicht gefunden.")
    context = {
        "report": report,
        "history": public_history(report),
        "photos": public_photos(report),
        "tracking": True,
    }
    response = render(request, "web/report_detail.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to linked sites
    response["X-Robots-Tag"] = "noindex"
    return response
