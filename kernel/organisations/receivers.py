"""Receivers of organisations: signals from lower layers that organisations must act on.

- ``kernel.boundaries.signals.communes_loaded`` → keep one organisation per current commune. ``boundaries`` (the
  kernel) cannot import ``organisations``; the receiver runs inside the import's transaction, so a failed
  sync rolls the import back. Listed in docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from kernel.boundaries.signals import communes_loaded
from kernel.organisations.services import organisations_sync_communes


@receiver(communes_loaded)
def _sync_commune_organisations(sender: Any, **kwargs: Any) -> None:
    organisations_sync_communes()
