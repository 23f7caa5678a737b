"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from boundaries.selectors import boundary_edition_year


def boundaries(request: HttpRequest) -> dict[str, Any]:
    """The BKG edition year for the footer's attribution (looked up only when a page shows it)."""
    return {"boundary_edition_year": SimpleLazyObject(boundary_edition_year)}
