"""``GET /healthz``: is the app up, can it reach PostgreSQL, and which PostGIS does it see.

Load balancers and ``make run`` users poll this; it must never answer with a 500 page, so every database
error becomes 503 with the same JSON shape.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (postgis_version,) = cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health check: database error %s", type(exc).__name__)
        try:
            connection.close()
        except DatabaseError:
            pass
        response = JsonResponse({"status": "error", "database": "error", "postgis": None}, status=503)
        response["Retry-After"] = "10"
        return response
    return JsonResponse({"status": "ok", "database": "ok", "postgis": postgis_version})
