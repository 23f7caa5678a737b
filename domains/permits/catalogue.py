"""Default kinds of special use and the demo tariffs/zones for Dresden and Leipzig.

The demo figures are plausible examples for trying the service, not the communes' real fees; every
commune enters its own Sondernutzungssatzung as tariff versions (admin).
"""

from __future__ import annotations

from decimal import Decimal as D

from domains.permits.models import FeeUnit

KINDS = [
    # slug, name, unit, description
    (
        "geruest",
        "Gerüst/Baustelleneinrichtung",
        FeeUnit.M2_DAY,
        "Gerüste, Bauzäune, Materiallager auf Gehweg oder Fahrbahn.",
    ),
    ("container", "Container/Mulde", FeeUnit.UNIT_DAY, "Bauschutt- und Sperrmüllcontainer, Mulden."),
    (
        "umzug",
        "Umzug/Halteverbotszone",
        FeeUnit.UNIT_DAY,
        "Vorübergehendes Halteverbot für Umzüge und Anlieferungen.",
    ),
    (
        "freisitz",
        "Außengastronomie (Freisitz)",
        FeeUnit.M2_DAY,
        "Tische und Stühle vor Gaststätten und Cafés.",
    ),
    (
        "werbeaufsteller",
        "Werbeaufsteller",
        FeeUnit.UNIT_MONTH,
        "Kundenstopper und Werbetafeln auf dem Gehweg.",
    ),
    ("veranstaltung", "Veranstaltung/Infostand", FeeUnit.M2_DAY, "Stadtteilfeste, Infostände, Straßenfeste."),
    ("aufgrabung", "Aufgrabung", FeeUnit.M2_DAY, "Aufgrabungen für Leitungen und Hausanschlüsse."),
]
PARKING_KIND = ("bewohnerparken", "Bewohnerparkausweis", FeeUnit.YEAR, "Parkausweis für Bewohnerparkgebiete.")

# Conditions printed in every approval of a kind (Regelauflagen); a commune edits them in the admin.
STANDARD_CONDITIONS = {
    "geruest": "Für Fußgänger ist ein Durchgang von mindestens 1,30 m Breite freizuhalten. Die Fläche ist "
    "abzusichern und bei Dunkelheit zu beleuchten.",
    "container": "Der Container ist mit rot-weißen Warnmarkierungen und Beleuchtung zu sichern. "
    "Straßenabläufe und Hydranten bleiben frei.",
    "umzug": "Die Halteverbotsschilder sind spätestens 72 Stunden vor Beginn aufzustellen.",
    "aufgrabung": "Die Oberfläche ist nach Abschluss der Arbeiten gleichwertig wiederherzustellen.",
}

# rate, minimum fee, administrative fee — per kind, for both demo communes.
DEMO_TARIFFS = {
    "geruest": (D("0.15"), D("20.00"), D("25.00")),
    "container": (D("5.00"), D("10.00"), D("15.00")),
    "umzug": (D("15.00"), D("15.00"), D("20.00")),
    "freisitz": (D("0.10"), D("30.00"), D("25.00")),
    "werbeaufsteller": (D("15.00"), D("15.00"), D("10.00")),
    "veranstaltung": (D("0.20"), D("25.00"), D("30.00")),
    "aufgrabung": (D("0.50"), D("50.00"), D("40.00")),
    "bewohnerparken": (D("30.70"), D("0.00"), D("0.00")),
}
DEMO_COMMUNES = {"14612000": "Dresden", "14713000": "Leipzig"}
DEMO_TARIFF_FROM = "2024-01-01"

# Fee zone "Innenstadt" (×1.5) as WGS84 bounding boxes (lon/lat), rough outlines of the historic centres.
DEMO_FEE_ZONES = {
    "14612000": ("Innenstadt", D("1.5"), (13.728, 51.046, 13.750, 51.056)),
    "14713000": ("Innenstadt", D("1.5"), (12.368, 51.335, 12.383, 51.345)),
}
