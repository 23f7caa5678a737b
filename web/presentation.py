"""Display helpers shared by the pages and their scripts: status symbols, map configuration, JS texts.

Status is never shown by colour alone: every state has a symbol and a CSS class (shape + colour), and the
label is always written out next to it or named in the legend.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.workflow import ReportStatus

BORDERS_ATTRIBUTION = "© GeoBasis-DE / BKG (2016), dl-de/by-2-0"

# symbol (also readable without colour) per state; the CSS class is ``status--<value>``
STATUS_SYMBOLS: dict[str, str] = {
    ReportStatus.SUBMITTED: "!",
    ReportStatus.IN_REVIEW: "?",
    ReportStatus.IN_PROGRESS: "»",
    ReportStatus.RESOLVED: "✓",
    ReportStatus.REJECTED: "✕",
    ReportStatus.NOT_RESPONSIBLE: "–",
    ReportStatus.DUPLICATE: "=",
}


def status_legend() -> list[dict[str, str]]:
    """Every state with its symbol and translated label, in workflow order (legend and scripts)."""
    return [
        {"value": value, "label": str(label), "symbol": STATUS_SYMBOLS[value]}
        for value, label in ReportStatus.choices
    ]


def js_texts() -> dict[str, str]:
    """Texts the page scripts show, translated on the server so scripts carry no language of their own."""
    return {
        "responsible": _("Zuständig: %(name)s"),
        "locating": _("Zuständige Gemeinde wird gesucht …"),
        "locateFailed": _(
            "Die zuständige Gemeinde konnte nicht ermittelt werden. Sie können trotzdem absenden."
        ),
        "geoUnsupported": _(
            "Ihr Browser kann den Standort nicht ermitteln. Bitte tippen Sie auf die Karte oder geben Sie die Koordinaten ein."
        ),
        "geoDenied": _(
            "Der Standort konnte nicht ermittelt werden. Bitte tippen Sie auf die Karte oder geben Sie die Koordinaten ein."
        ),
        "geoLocating": _("Standort wird ermittelt …"),
        "chars": _("%(count)s von %(max)s Zeichen"),
        "tooLong": _("Die Beschreibung ist zu lang."),
        "metres": _("%(m)s m entfernt"),
        "support": _("Ich bin auch betroffen"),
        "supported": _("Danke! Betroffene: %(n)s"),
        "supportFailed": _("Das hat nicht geklappt. Bitte versuchen Sie es später erneut."),
        "details": _("Details ansehen"),
        "sending": _("Wird gesendet …"),
        "sendFailed": _(
            "Die Meldung konnte nicht gesendet werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut."
        ),
        "preview": _("Vorschau: %(name)s"),
        "mapLabel": _("Karte"),
        "marker": _("Gewählter Ort"),
        "reported": _("gemeldet am %(date)s"),
    }


def map_config(*, highlight_ags: str = "") -> dict[str, Any]:
    """Everything the map script needs, as one JSON blob (``json_script``), so the script stays static."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "bordersUrl": reverse("commune-geojson"),
        "bordersAttribution": BORDERS_ATTRIBUTION,
        "reportsUrl": reverse("report-list"),
        "locateUrl": reverse("commune-locate"),
        "nearbyUrl": reverse("report-nearby"),
        "supportUrl": reverse("report-support", args=["__ID__"]),
        "detailUrl": reverse("web:report-detail", args=["__ID__"]),
        "communeUrl": reverse("web:commune-detail", args=["00000000"]),
        "highlightAgs": highlight_ags,
        "statuses": status_legend(),
        "texts": js_texts(),
    }
