"""The report form's service worker (issue 31.7): served from the site's root so that its scope covers the
form at ``/`` (a script under /static/ could only control /static/). It caches the form page and the
assets it loads, so the form opens in a dead spot; what a person types there is kept by the page script
(static/js/offline-draft.js) and sent once the connection is back, with the form's idempotency key."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "web/service_worker.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on each visit
    response["Service-Worker-Allowed"] = "/"
    return response
