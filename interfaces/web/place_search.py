"""„Adresse oder Ort suchen“ above the maps of the report, permit and parking forms — the path without
JavaScript (static/js/place-search.js turns the same field into a combobox over ``/api/v1/addresses/``).

``GET <form page>?adresse=…`` lists the candidates of ``kernel.addresses.selectors.search`` (the one search the
API uses too) as links; a link carries the place as ``lat``/``lon`` (WGS84), so the page comes back with
the coordinates filled in and the responsible commune named, as after a click on the map. The chosen
label only goes back into the search field (like any search box); the commune shown is computed from the
coordinates, never taken from the link.

A commune, district or postcode (``AREA_KINDS``) is an area, not a spot: its link carries ``gebiet=1``, and
the page then centres the map there but fills in no coordinates and asks for the exact spot – saying so
when no house addresses are loaded there, since the search can then find nothing finer. The report
intake refuses the area's centre anyway (``domains.reports.services.creating``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework.exceptions import Throttled

from kernel.addresses.selectors import (
    AREA_KINDS,
    MAX_QUERY,
    MIN_QUERY,
    ONLY_POSTCODE,
    Hit,
    has_addresses,
    search,
)
from kernel.boundaries.assignment import OutsideSaxony, assign_point
from kernel.geo.coords import CoordinateError, parse_lon_lat
from shared.http.throttling import AddressSearchThrottle, enforce

PARAM = "adresse"
AREA_PARAM = "gebiet"
LIMIT = 10
ANCHOR = "place-search"
KIND_LABELS = {
    "address": gettext_lazy("Adresse"),
    "street": gettext_lazy("Straße"),
    "commune": gettext_lazy("Gemeinde"),
    "city": gettext_lazy("kreisfreie Stadt"),
    "district": gettext_lazy("Landkreis"),
    "postcode": gettext_lazy("Postleitzahl"),
}

AREA_CHOSEN = gettext_lazy(
    "Die Karte zeigt %(label)s. Bitte geben Sie den genauen Ort an: Tippen Sie auf der Karte auf "
    "die Stelle oder suchen Sie Straße und Hausnummer."
)
NO_ADDRESSES = gettext_lazy(
    "Für %(label)s sind keine Hausadressen hinterlegt – die Suche findet dort nur das Gebiet, "
    "den genauen Ort wählen Sie auf der Karte."
)


NO_POSTCODE = gettext_lazy(
    "Zu dieser Postleitzahl wurde nichts gefunden: Postleitzahlen findet die Suche nur, wo Hausadressen "
    "hinterlegt sind. Bitte geben Sie die Gemeinde ein – oder wählen Sie den Ort auf der Karte."
)


def kind_label(hit: Hit) -> str:
    return str(KIND_LABELS["city" if hit.city else hit.kind])


@dataclass
class Chosen:
    """A place given by ``lat``/``lon`` in the query string (a candidate link or a shared link)."""

    lat: str = ""  # as the form fields show them, 6 decimals (~0.1 m)
    lon: str = ""
    responsible: str = ""  # "Zuständig: Dresden"
    problem: str = ""  # outside Saxony, or not a coordinate
    area: str = ""  # an area was chosen (not a spot): "Bitte geben Sie den genauen Ort an …"


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
            "chosenArea": str(AREA_CHOSEN),
            "noAddresses": str(NO_ADDRESSES),
            "nonePostcode": str(NO_POSTCODE),
            "failed": _("Die Suche ist gerade nicht erreichbar. Bitte wählen Sie den Ort auf der Karte."),
            "kinds": {kind: str(label) for kind, label in KIND_LABELS.items()},
        }

    @property
    def centre(self) -> Chosen | None:
        """Where the map starts: the chosen place or area, if it is in Saxony."""
        return self.chosen if self.chosen is not None and not self.chosen.problem else None

    def initial(self) -> dict[str, str]:
        """Initial values of a form's ``lat``/``lon`` fields: the chosen place, if it is in Saxony and a
        spot (not an area) — with a decimal comma, as the fields' hints show it (the forms accept both)."""
        if self.chosen is None or self.chosen.problem or self.chosen.area:
            return {}
        return {"lat": coordinate_text(self.chosen.lat), "lon": coordinate_text(self.chosen.lon)}


def coordinate_text(value: str) -> str:
    """'51.045600' → '51,045600': a coordinate the way the form hints write it."""
    return value.replace(".", ",")


def _link(path: str, hit: Hit) -> str:
    params = {PARAM: hit.label, "lat": f"{hit.lat:.6f}", "lon": f"{hit.lon:.6f}"}
    if hit.kind in AREA_KINDS:
        params[AREA_PARAM] = "1"
    query = urlencode(params)
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
    if not hits and ONLY_POSTCODE.match(query):
        return [], str(NO_POSTCODE)
    if not hits:
        return [], _(
            "Zu „%(query)s“ wurde kein Ort gefunden. Prüfen Sie die Schreibweise, "
            "geben Sie Straße und Ort an – oder wählen Sie den Ort auf der Karte."
        ) % {"query": query}
    found = ngettext(
        "%(n)s Treffer. Bitte wählen Sie einen Ort:", "%(n)s Treffer. Bitte wählen Sie einen Ort:", len(hits)
    )
    candidates = [{"label": h.label, "kind": kind_label(h), "url": _link(request.path, h)} for h in hits]
    return candidates, found % {"n": len(hits)}


def _area_text(label: str, commune_ags: str) -> str:
    text = str(AREA_CHOSEN) % {"label": label}
    if not has_addresses(commune_ags):
        text += " " + str(NO_ADDRESSES) % {"label": label}
    return text


def _chosen(lat: str, lon: str, area_label: str | None = None) -> Chosen:
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
        if area_label is not None:  # only the area: the responsible commune follows from the spot
            chosen.area = _area_text(area_label or commune.name, commune.ags)
        else:
            chosen.responsible = _("Zuständig: %(name)s") % {"name": commune.name}
    return chosen


def place_search(request: HttpRequest) -> PlaceSearch:
    """What the search field shows for this GET: candidates for ``adresse``, or the place of ``lat``/``lon``."""
    result = PlaceSearch(query=(request.GET.get(PARAM) or "").strip())
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    if request.method == "GET" and lat is not None and lon is not None:
        area_label = result.query[:MAX_QUERY] if request.GET.get(AREA_PARAM) else None
        result.chosen = _chosen(lat, lon, area_label)
    elif request.method == "GET" and PARAM in request.GET:
        result.candidates, result.message = _candidates(request, result.query)
    return result
