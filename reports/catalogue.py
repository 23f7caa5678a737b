"""The default category catalogue every commune starts with (German, grouped, with deadlines).

Loaded by ``manage.py load_categories`` (idempotent: updates by slug, never deletes). Communes switch
categories off or set their own recipient/deadline in ``CommuneCategorySetting``.
"""

from __future__ import annotations

from typing import TypedDict


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
