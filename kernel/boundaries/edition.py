"""Which BKG edition the shipped boundaries are, and the attribution its licence asks for.

A module of its own so that both the importer (which records the edition of each import) and the
selectors (which show the attribution) can import it without importing each other.
"""

from __future__ import annotations

SHIPPED_EDITION_YEAR = 2016  # kernel/boundaries/data: VG250 geometry of 2016, mergers up to 2024 (SOURCES.md)
ATTRIBUTION_TEMPLATE = "© GeoBasis-DE / BKG ({year}), dl-de/by-2-0, Daten verändert"
ATTRIBUTION = ATTRIBUTION_TEMPLATE.format(year=SHIPPED_EDITION_YEAR)  # of the shipped data
