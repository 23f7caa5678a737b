"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kernel.boundaries.selectors import boundary_edition_year
from shared.citizens.oidc import providers
from shared.citizens.selectors import citizen_of


def boundaries(request: HttpRequest) -> dict[str, Any]:
    """The BKG edition year for the footer's attribution (looked up only when a page shows it)."""
    return {"boundary_edition_year": SimpleLazyObject(boundary_edition_year)}


def citizen_account(request: HttpRequest) -> dict[str, Any]:
    """The header's "Anmelden" / "Mein Konto": shown only when an OpenID Connect provider is configured,
    and "Mein Konto" only for a signed-in citizen (staff stay in /verwaltung/)."""
    return {
        "citizen_providers": providers(),
        "citizen": SimpleLazyObject(lambda: citizen_of(getattr(request, "user", None))),
    }
