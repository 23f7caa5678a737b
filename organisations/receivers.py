"""Keep one organisation per current commune whenever communes are (re)loaded."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from boundaries.signals import communes_loaded


@receiver(communes_loaded)
def _sync_commune_organisations(sender: Any, **kwargs: Any) -> None:
    from organisations.services import organisations_sync_communes

    organisations_sync_communes()
