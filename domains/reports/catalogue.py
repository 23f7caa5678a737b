"""The default category catalogue every commune starts with (German, grouped, with deadlines).

Loaded by ``manage.py load_categories`` (idempotent: updates by slug, never deletes). Communes switch
categories off or set their own recipient/deadline in ``CommuneCategorySetting``.
"""

from __future__ import annotations

from typing import TypedDict


class ChoiceDef(TypedDict):
    key: str
    name: str


class AttributeDef(TypedDict, total=False):
    code: str
    datatype: str  # one of domains.reports.models.AttributeDatatype
    required: bool
    description: str
    datatype_description: str
    values: list[ChoiceDef]


class CategoryDef(TypedDict, total=False):
    slug: str
    name: str
    description: str
    icon: str
    sla: int
    keywords: str


GROUPS: list[tuple[str, str, list[CategoryDef]]] = [
    (
        "strasse",
        "Straße & Gehweg",
        [
            {
                "slug": "schlagloch",
                "name": "Schlagloch",
                "icon": "pothole",
                "sla": 14,
                "description": "Schlaglöcher, Risse und Absenkungen in der Fahrbahn.",
                "keywords": "Straße, Loch, Fahrbahn",
            },
            {
                "slug": "gehweg",
                "name": "Beschädigter Gehweg",
                "icon": "sidewalk",
                "sla": 21,
                "description": "Lose oder fehlende Platten, Stolperkanten, abgesackte Gehwege.",
                "keywords": "Fußweg, Bordstein, Stolperfalle",
            },
            {
                "slug": "radweg",
                "name": "Radweg",
                "icon": "bicycle",
                "sla": 21,
                "description": "Schäden, Hindernisse oder fehlende Markierungen auf Radwegen.",
                "keywords": "Fahrrad",
            },
        ],
    ),
    (
        "beleuchtung",
        "Beleuchtung",
        [
            {
                "slug": "strassenlaterne",
                "name": "Straßenlaterne defekt",
                "icon": "streetlight",
                "sla": 10,
                "description": "Laterne dunkel, flackert oder brennt tagsüber. Bitte die Mastnummer angeben, falls sichtbar.",
                "keywords": "Licht, Lampe, Mast",
            },
        ],
    ),
    (
        "sauberkeit",
        "Sauberkeit",
        [
            {
                "slug": "muellablagerung",
                "name": "Illegale Müllablagerung",
                "icon": "trash",
                "sla": 7,
                "description": "Wilder Müll, Sperrmüll oder Bauschutt im öffentlichen Raum.",
                "keywords": "Müll, Sperrmüll, Abfall",
            },
            {
                "slug": "graffiti",
                "name": "Graffiti",
                "icon": "spray",
                "sla": 30,
                "description": "Schmierereien an öffentlichen Gebäuden und Anlagen.",
                "keywords": "Schmiererei",
            },
            {
                "slug": "papierkorb",
                "name": "Überfüllter Papierkorb",
                "icon": "bin",
                "sla": 3,
                "description": "Überquellende oder beschädigte Papierkörbe.",
                "keywords": "Mülleimer, Abfallbehälter",
            },
        ],
    ),
    (
        "gruen",
        "Grün",
        [
            {
                "slug": "baum",
                "name": "Baum / Ast",
                "icon": "tree",
                "sla": 7,
                "description": "Umgestürzte Bäume, herabhängende oder abgebrochene Äste, Gefahr durch Bäume.",
                "keywords": "Ast, Sturm, Grünschnitt",
            },
            {
                "slug": "spielplatz",
                "name": "Spielplatz",
                "icon": "playground",
                "sla": 7,
                "description": "Defekte Spielgeräte, Scherben oder Verschmutzung auf Spielplätzen.",
                "keywords": "Spielgerät, Schaukel, Rutsche",
            },
        ],
    ),
    (
        "verkehr",
        "Verkehr",
        [
            {
                "slug": "verkehrszeichen",
                "name": "Verkehrszeichen",
                "icon": "sign",
                "sla": 14,
                "description": "Beschädigte, verdrehte, verdeckte oder fehlende Verkehrszeichen.",
                "keywords": "Schild",
            },
            {
                "slug": "ampel",
                "name": "Ampel",
                "icon": "traffic-light",
                "sla": 2,
                "description": "Ausgefallene oder gestörte Lichtsignalanlagen.",
                "keywords": "Lichtsignalanlage, LSA",
            },
        ],
    ),
    (
        "winterdienst",
        "Winterdienst",
        [
            {
                "slug": "winterdienst",
                "name": "Winterdienst",
                "icon": "snowflake",
                "sla": 1,
                "description": "Nicht geräumte oder gestreute Straßen und Wege, Glätte.",
                "keywords": "Schnee, Eis, Glätte, Streuen",
            },
        ],
    ),
    (
        "sonstiges",
        "Sonstiges",
        [
            {
                "slug": "sonstiges",
                "name": "Sonstiges",
                "icon": "other",
                "sla": 14,
                "description": "Alles, was in keine andere Kategorie passt.",
                "keywords": "",
            },
        ],
    ),
]

# English names for English mode (``Category.name_en``/``CategoryGroup.name_en``), by slug. Loaded with the
# German ones; a slug missing here keeps an empty English name and English pages show the German one.
GROUP_NAMES_EN: dict[str, str] = {
    "strasse": "Roads & pavements",
    "beleuchtung": "Lighting",
    "sauberkeit": "Cleanliness",
    "gruen": "Green spaces",
    "verkehr": "Traffic",
    "winterdienst": "Winter service",
    "sonstiges": "Other",
}
CATEGORY_NAMES_EN: dict[str, str] = {
    "schlagloch": "Pothole",
    "gehweg": "Damaged pavement",
    "radweg": "Cycle path",
    "strassenlaterne": "Street light out",
    "muellablagerung": "Illegal dumping",
    "graffiti": "Graffiti",
    "papierkorb": "Overflowing litter bin",
    "baum": "Tree / branch",
    "spielplatz": "Playground",
    "verkehrszeichen": "Traffic sign",
    "ampel": "Traffic light",
    "winterdienst": "Winter service",
    "sonstiges": "Other",
}


# Extra questions (Open311 service-definition attributes) for some categories, keyed by category slug; the
# list order is the display order. None is required: clients that do not know them yet (older Open311
# apps, the REST API, the web form) must keep working. A commune's operator can make one required in the
# admin, which then applies to every interface alike.
ATTRIBUTES: dict[str, list[AttributeDef]] = {
    "schlagloch": [
        {
            "code": "size",
            "datatype": "singlevaluelist",
            "description": "Wie groß ist das Schlagloch?",
            "values": [
                {"key": "small", "name": "klein (bis 20 cm)"},
                {"key": "medium", "name": "mittel (20–50 cm)"},
                {"key": "large", "name": "groß (über 50 cm)"},
            ],
        },
        {
            "code": "depth_cm",
            "datatype": "number",
            "description": "Geschätzte Tiefe in Zentimetern",
            "datatype_description": "Zahl in Zentimetern, z. B. 5",
        },
    ],
    "strassenlaterne": [
        {
            "code": "pole_number",
            "datatype": "string",
            "description": "Mastnummer (falls sichtbar)",
            "datatype_description": "Die Nummer auf dem Schild am Mast, z. B. 12-345",
        },
        {
            "code": "fault",
            "datatype": "singlevaluelist",
            "description": "Was ist mit der Laterne?",
            "values": [
                {"key": "dark", "name": "bleibt dunkel"},
                {"key": "flickering", "name": "flackert"},
                {"key": "on_by_day", "name": "brennt tagsüber"},
                {"key": "damaged", "name": "beschädigt"},
            ],
        },
    ],
    "muellablagerung": [
        {
            "code": "waste_types",
            "datatype": "multivaluelist",
            "description": "Was liegt dort?",
            "values": [
                {"key": "household", "name": "Hausmüll"},
                {"key": "bulky", "name": "Sperrmüll"},
                {"key": "construction", "name": "Bauschutt"},
                {"key": "tyres", "name": "Altreifen"},
                {"key": "hazardous", "name": "Sonderabfall (Farben, Öl, Chemikalien)"},
            ],
        },
        {
            "code": "observed_at",
            "datatype": "datetime",
            "description": "Wann haben Sie die Ablagerung bemerkt?",
            "datatype_description": "Datum und Uhrzeit, z. B. 2026-11-25T13:00:00+01:00",
        },
    ],
    "spielplatz": [
        {
            "code": "equipment",
            "datatype": "text",
            "description": "Welches Spielgerät ist betroffen und was ist daran kaputt?",
        },
    ],
}
