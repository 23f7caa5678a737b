"""The visitor's own changes on the map at once: a cookie that makes the map fetch tiles under new URLs.

Browsers and CDNs may keep a report tile for ``TILE_MAX_AGE`` seconds (``Cache-Control`` of
``/tiles/reports/…``), so a new report or a status change reaches everyone within that minute. The person
who made the change should not wait: the page that did it sets ``mm_tiles_v`` (the time of the change) for
the same minute, and ``static/js/map.js`` appends ``v=<value>`` to the tile URLs while it is set. A URL no
cache has seen goes to the server, whose tile cache dropped the changed tiles on commit. After the minute
every cached copy of the old tile has expired anyway, and the cookie with it.

The value is a Unix time, not personal data; readable by the page script by design (not ``HttpOnly``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponse

COOKIE = "mm_tiles_v"
TILE_MAX_AGE = 60  # seconds: the Cache-Control max-age of the report tiles


def note_own_change(response: HttpResponse) -> HttpResponse:
    """Mark ``response``'s visitor as having just changed a report (see the module docstring)."""
    response.set_cookie(
        COOKIE,
        str(int(time.time())),
        max_age=TILE_MAX_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # map.js reads it
        samesite="Lax",
    )
    return response
