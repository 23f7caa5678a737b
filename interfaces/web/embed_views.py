"""/einbetten/<AGS>/: a commune's open reports on a map with a "Mangel melden" button, for commune websites.

The only page that may be shown in a frame, and only by the websites the commune lists
(``Organisation.embed_origins`` → CSP ``frame-ancestors``); every other page keeps
``X-Frame-Options: DENY``. Links leave the frame (``target="_blank"``): the form, a report and the
privacy notice open as full pages on this site, never inside a stranger's page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from domains.reports.selectors import ReportFilter, reports_for_list
from domains.reports.workflow import OPEN_STATES
from interfaces.web.presentation import map_config, status_legend
from kernel.boundaries.selectors import commune_current
from kernel.organisations.selectors import embed_origins

EMBED_LIST = 20


@require_safe
@xframe_options_exempt
def embed(request: HttpRequest, ags: str) -> HttpResponse:
    commune = commune_current(ags)
    if commune is None:
        raise Http404(_("Gemeinde nicht gefunden."))
    origins = embed_origins(ags)
    reports = list(reports_for_list(ReportFilter(commune=ags, statuses=OPEN_STATES))[:EMBED_LIST])
    context = {
        "commune": commune,
        "reports": reports,
        "map_config": map_config(highlight_ags=ags, fit_highlight=True),
        "statuses": status_legend(),
    }
    response = render(request, "web/embed.html", context)
    if origins:
        response["Content-Security-Policy"] = "frame-ancestors " + " ".join(origins)
    else:  # nobody listed: like every other page
        response["Content-Security-Policy"] = "frame-ancestors 'none'"
        response["X-Frame-Options"] = "DENY"
    return response
