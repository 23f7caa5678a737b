"""Small WGS84 geometries around real Saxon places for permit tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# A 20 m × 10 m rectangle in Dresden's Äußere Neustadt (outside the demo fee zone "Innenstadt").
NEUSTADT = {
    "type": "Polygon",
    "coordinates": [
        [
            [13.7550, 51.0650],
            [13.75528, 51.0650],
            [13.75528, 51.06509],
            [13.7550, 51.06509],
            [13.7550, 51.0650],
        ]
    ],
}
# Inside Dresden's demo fee zone "Innenstadt" (Altmarkt).
ALTMARKT = {
    "type": "Polygon",
    "coordinates": [
        [[13.7370, 51.0500], [13.7373, 51.0500], [13.7373, 51.0502], [13.7370, 51.0502], [13.7370, 51.0500]]
    ],
}


def future(days: int, hour: int = 8) -> str:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def applicant(**extra) -> dict:
    return {
        "name": "Gerüstbau Meier GmbH",
        "email": "antrag@geruestbau.example",
        "phone": "+49 351 123456",
        "address": "Bautzner Straße 1, 01099 Dresden",
        **extra,
    }


def body(**overrides) -> dict:
    data = {
        "kind": "geruest",
        "geometry": NEUSTADT,
        "start": future(10),
        "end": future(20, 18),
        "applicant": applicant(),
    }
    data.update(overrides)
    return data
