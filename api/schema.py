"""OpenAPI post-processing: answers every operation can give, documented once.

Any request may be refused before it reaches a view (``config.middleware``): 400 for NUL characters or
a malformed Content-Length, 413 for a body over MAX_REQUEST_BYTES, 415 for a body DRF cannot parse
in the declared type (operations with a body), and 503 with Retry-After while the
database is unreachable. They share the API's error shape.
"""

from __future__ import annotations

from typing import Any

COMMON = {
    "400": "Ungültige Anfrage (z. B. Steuerzeichen)",
    "413": "Anfrage zu groß",
    "503": "Vorübergehend nicht erreichbar (Datenbank); Retry-After beachten",
}


def add_common_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in COMMON.items():
                operation["responses"].setdefault(status, {"description": description, "content": error})
            if "requestBody" in operation:
                operation["responses"].setdefault(
                    "415", {"description": "Inhaltstyp nicht unterstützt oder nicht lesbar", "content": error}
                )
    return result
