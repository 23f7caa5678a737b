"""„Adresse oder Ort suchen“ above the maps of the report, permit and parking forms — the path without
JavaScript (static/js/place-search.js turns the same field into a combobox over ``/api/v1/addresses/``).

``GET <form page>?adresse=…`` lists the candidates of ``kernel.addresses.selectors.search`` (the one search the
API uses too) as links; a link carries the place as ``lat``/``lon`` (WGS84), so the page comes back with
the coordinates filled in and the responsible commune named, as after a click on the map. The chosen
label only goes back into the search field (like any search box); the commune shown is computed from the
coordinates, never taken from the link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework.exceptions import Throttled

from kernel.addresses.selectors import MAX_QUERY, MIN_QUERY, Hit, search
from kernel.boundaries.assignment import OutsideSaxony, assign_point
from kernel.geo.coords import CoordinateError, parse_lon_lat
from shared.http.throttling import AddressSearchThrottle, enforce

PARAM = "adresse"
LIMIT = 10
ANCHOR = "place-search"
KIND_LABELS = {
    "address": gettext_lazy("Adresse"),
    "street": gettext_lazy("Straße"),
    "commune": gettext_lazy("Gemeinde"),
    "district": gettext_lazy("Landkreis"),
}


@dataclass
class Chosen:
    """A place given by ``lat``/``lon`` in the query string (a candidate link or a shared link)."""

    lat: str = ""  # as the form fields show them, 6 decimals (~0.1 m)
    lon: str = ""
    responsible: str = ""  # "Zuständig: Dresden"
    problem: str = ""  # outside Saxony, or not a coordinate


@dataclass
class PlaceSearch:
    query: str = ""
    candidates: list[dict[str, str]] = field(default_factory=list)
    message: str = ""  # no match, too short, too many searches: shown in the field's status line
    chosen: Chosen | None = None

    @property
    def is_error(self) -> bool:
        return bool(self.message) and not self.candidates

    def texts(self) -> dict[str, object]:
        """The combobox script's texts and URL, translated here so the script carries no language."""
        return {
            "url": reverse("address-search"),
            "minChars": MIN_QUERY,  # the API refuses shorter texts
            "listLabel": _("Gefundene Orte"),
            "foundOne": _("1 Ort gefunden. Mit der Pfeiltaste nach unten auswählen, mit Eingabe übernehmen."),
            "foundMany": _(
                "%(n)s Orte gefunden. Mit der Pfeiltaste nach unten auswählen, mit Eingabe übernehmen."
            ),
            "none": _(
                "Kein Ort gefunden. Prüfen Sie die Schreibweise, geben Sie Straße und Ort an – "
                "oder wählen Sie den Ort auf der Karte."
            ),
            "tooShort": _("Bitte geben Sie mindestens %(n)s Zeichen ein."),
            "chosen": _("Ort übernommen: %(label)s"),
            "failed": _("Die Suche ist gerade nicht erreichbar. Bitte wählen Sie den Ort auf der Karte."),
            "kinds": {kind: str(label) for kind, label in KIND_LABELS.items()},
        }

    def initial(self) -> dict[str, str]:
        """Initial values of a form's ``lat``/``lon`` fields: the chosen place, if it is in Saxony — with a
        decimal comma, as the fields' hints show it (the forms accept comma and point)."""
        if self.chosen is None or self.chosen.problem:
            return {}
        return {"lat": coordinate_text(self.chosen.lat), "lon": coordinate_text(self.chosen.lon)}


def coordinate_text(value: str) -> str:
    """'51.045600' → '51,045600': a coordinate the way the form hints write it."""
    return value.replace(".", ",")


def _link(path: str, hit: Hit) -> str:
    query = urlencode({PARAM: hit.label, "lat": f"{hit.lat:.6f}", "lon": f"{hit.lon:.6f}"})
    return f"{path}?{query}#{ANCHOR}"


def _candidates(request: HttpRequest, query: str) -> tuple[list[dict[str, str]], str]:
    if len(query) < MIN_QUERY:
        return [], _("Bitte geben Sie mindestens %(n)s Zeichen ein.") % {"n": MIN_QUERY}
    if len(query) > MAX_QUERY:
        return [], _("Bitte geben Sie höchstens %(n)s Zeichen ein.") % {"n": MAX_QUERY}
    try:
        enforce(request, AddressSearchThrottle)
    except Throttled as exc:
        minutes = max(1, round((exc.wait or 60) / 60))
        return [], _(
            "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Suchen. "
            "Bitte versuchen Sie es in %(minutes)s Minute(n) erneut."
        ) % {"minutes": minutes}
    hits = search(query, limit=LIMIT)
    if not hits:
        return [], _(
            "Zu „%(query)s“ wurde kein Ort gefunden. Prüfen Sie die Schreibweise, "
            "geben Sie Straße und Ort an – oder wählen Sie den Ort auf der Karte."
        ) % {"query": query}
    found = ngettext(
        "%(n)s Treffer. Bitte wählen Sie einen Ort:", "%(n)s Treffer. Bitte wählen Sie einen Ort:", len(hits)
    )
    candidates = [
        {"label": h.label, "kind": str(KIND_LABELS.get(h.kind, h.kind)), "url": _link(request.path, h)}
        for h in hits
    ]
    return candidates, found % {"n": len(hits)}


def _chosen(lat: str, lon: str) -> Chosen:
    try:
        point = parse_lon_lat(lon, lat)
    except CoordinateError as exc:
        return Chosen(problem=str(exc))
    chosen = Chosen(lat=f"{point.y:.6f}", lon=f"{point.x:.6f}")
    try:
        commune = assign_point(point).commune
    except OutsideSaxony as exc:
        chosen.problem = str(exc.message)
    else:
        chosen.responsible = _("Zuständig: %(name)s") % {"name": commune.name}
    return chosen


def place_search(request: HttpRequest) -> PlaceSearch:
    """What the search field shows for this GET: candidates for ``adresse``, or the place of ``lat``/``lon``."""
    result = PlaceSearch(query=(request.GET.get(PARAM) or "").strip())
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    if request.method == "GET" and lat is not None and lon is not None:
        result.chosen = _chosen(lat, lon)
    elif request.method == "GET" and PARAM in request.GET:
        result.candidates, result.message = _candidates(request, result.query)
    return result
