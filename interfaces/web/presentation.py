"""Display helpers shared by the pages and their scripts: status symbols, map configuration, JS texts.

Status is never shown by colour alone: every state has a symbol and a CSS class (shape + colour), and the
label is always written out next to it or named in the legend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from domains.permits.workflow import PermitStatus, display_status
from kernel.boundaries.selectors import boundary_attribution
from shared.http.presentation import attribution_html, status_legend

# Permits and parking permits: stored states plus the derived ones of an approved permit (display_status).
# CSS class ``status--permit-<code>``; the symbol keeps the state readable without colour.
PERMIT_STATUS_SYMBOLS: dict[str, str] = {
    PermitStatus.SUBMITTED: "●",
    PermitStatus.IN_REVIEW: "?",
    PermitStatus.APPROVED: "✓",
    "active": "▶",
    "expired": "–",
    PermitStatus.REJECTED: "✕",
    PermitStatus.WITHDRAWN: "–",
}
PERMIT_DERIVED_LABELS = {
    PermitStatus.APPROVED: gettext_lazy("Genehmigt (noch nicht begonnen)"),
    "active": gettext_lazy("Aktiv"),
    "expired": gettext_lazy("Abgelaufen"),
}


def permit_status(status: str, start: dt.datetime | None = None, end: dt.datetime | None = None) -> dict:
    """Code, translated label and symbol of a permit's state. With a period, an approved permit shows as
    not yet begun, active or expired (``domains.permits.workflow.display_status``); without one, as stored."""
    code = status
    label: Any = PermitStatus(status).label if status in PermitStatus.values else status
    if start is not None and end is not None and status == PermitStatus.APPROVED:
        code, _german = display_status(status, start, end)
        label = PERMIT_DERIVED_LABELS.get(code, label)
    return {"code": code, "label": str(label), "symbol": PERMIT_STATUS_SYMBOLS.get(code, "•")}


def parking_status(status: str, valid_until: dt.date | None) -> dict:
    """A parking permit's state; an approved one whose year is over shows as expired."""
    if status == PermitStatus.APPROVED and valid_until is not None and valid_until < timezone.localdate():
        return {"code": "expired", "label": str(PERMIT_DERIVED_LABELS["expired"]), "symbol": "–"}
    return permit_status(status)


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
        "permitsLayer": _("Baustellen & Sondernutzungen"),
        "permitPeriod": _("%(start)s bis %(end)s"),
        "permitNumber": _("Antrag %(id)s"),
        "clusterOne": _("%(count)s Meldung"),
        "clusterMany": _("%(count)s Meldungen"),
        "clusterCommune": _("%(name)s: %(count)s"),
        "reportLink": _("Meldung %(id)s"),
    }


def permit_form_texts() -> dict[str, str]:
    """Texts of the application pages' scripts (drawing, estimate, parking map)."""
    return {
        "estimateHint": _(
            "Sobald Art, Beginn, Ende und Fläche angegeben sind, sehen Sie hier Fläche und Gebühr."
        ),
        "estimating": _("Gebühr wird berechnet …"),
        "estimateFailed": _("Die Gebühr konnte gerade nicht berechnet werden. Sie können trotzdem absenden."),
        "estimateErrors": _("Für die Berechnung fehlt noch etwas:"),
        "estimateTitle": _("Vorläufige Berechnung"),
        "parkingEstimateErrors": _(
            "Für Gebiet und Gebühr bitte den Ort prüfen – der Hinweis steht beim Ort."
        ),
        "parkingEstimateFailed": _(
            "Gebiet und Gebühr konnten gerade nicht ermittelt werden. Sie können trotzdem absenden."
        ),
        "area": _("Fläche"),
        "communes": _("Gemeinde(n)"),
        "feeCaption": _("Gebühr (vorläufig)"),
        "feeItem": _("Posten"),
        "feeAmount": _("Betrag"),
        "feeTotal": _("Summe (vorläufig)"),
        "feeIncomplete": _(
            "Für diese Gemeinde und diesen Zeitraum ist noch keine Gebühr hinterlegt; die Gemeinde nennt sie Ihnen mit dem Bescheid."
        ),
        "drawPolygon": _(
            "Klicken Sie nacheinander auf die Ecken der Fläche; zum Abschließen auf den ersten Punkt."
        ),
        "drawLine": _(
            "Klicken Sie nacheinander auf die Punkte der Linie; zum Abschließen noch einmal auf den letzten Punkt. Geben Sie dann die Breite an."
        ),
        "drawn": _("Fläche übernommen. Sie können die Punkte auf der Karte noch verschieben."),
        "drawnLine": _("Linie übernommen. Bitte geben Sie die Breite in Metern an."),
        "cleared": _("Zeichnung gelöscht."),
        "fileRead": _(
            "„%(name)s“ übernommen: Die Fläche steht jetzt auf der Karte und im Feld „Fläche als GeoJSON“."
        ),
        "fileUnreadable": _("Die Datei „%(name)s“ konnte nicht gelesen werden."),
        "textUnreadable": _("Das Feld enthält kein lesbares GeoJSON; die Karte zeigt es deshalb nicht."),
        "zoneLabel": _("%(name)s (%(code)s)"),
        "showZones": _("Gebiete in %(name)s zeigen"),
        "applicationFailed": _(
            "Der Antrag konnte nicht gesendet werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut."
        ),
    }


def map_config(*, highlight_ags: str = "", fit_highlight: bool = False) -> dict[str, Any]:
    """Everything the map script needs, as one JSON blob (``json_script``), so the script stays static."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileAttributionHtml": attribution_html(settings.MAP_TILE_ATTRIBUTION),
        "bordersUrl": reverse("commune-geojson"),
        "bordersAttribution": boundary_attribution(),
        "reportsUrl": reverse("report-list"),
        "reportTilesUrl": reverse("tiles-reports", args=[0, 0, 0]).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf"),
        "locateUrl": reverse("commune-locate"),
        "nearbyUrl": reverse("report-nearby"),
        "supportUrl": reverse("report-support", args=["__ID__"]),
        "detailUrl": reverse("web:report-detail", args=["__ID__"]),
        "communeUrl": reverse("web:commune-detail", args=["00000000"]),
        "permitsUrl": reverse("permit-active"),
        "highlightAgs": highlight_ags,
        "fitHighlight": fit_highlight,  # open centred on that commune (deep links /?gemeinde=<AGS>)
        "statuses": status_legend(),
        "texts": js_texts(),
    }
