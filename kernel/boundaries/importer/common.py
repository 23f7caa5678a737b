"""What every stage of the boundary import shares: limits, the error type and the result it reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_COMMUNES = DATA_DIR / "sachsen_gemeinden_2024.geojson.gz"
DEFAULT_DISTRICT_NAMES = DATA_DIR / "sachsen_kreise_2024.csv"

SAXONY_PREFIX = "14"
MAX_PART_VERTICES = 256
# Districts are recomputed as the union of their communes; unions of the same polygons can differ in
# floating-point noise, so a district counts as changed only if its area differs by more than this.
DISTRICT_TOLERANCE_M2 = 1.0
# Communes missing from the file are closed (merged away) — but only in districts the file covers, so an
# extract of a few districts leaves the others alone. Closing more than this share of a district at once
# is almost certainly a truncated file; it is refused unless --allow-closing is given.
MAX_CLOSING_SHARE = 0.25


class BoundaryImportError(Exception):
    """A problem with the input file, explained in German for the person running the import."""


Progress = Callable[[str], None]


@dataclass
class ImportResult:
    valid_from: dt.date
    read: int = 0
    skipped_other_states: int = 0
    skipped_water: int = 0
    communes: int = 0
    created: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)
    districts_created: list[str] = field(default_factory=list)
    parts: int = 0
    already_imported: bool = False
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.closed or self.districts_created)


def iter_summary(result: ImportResult) -> Iterator[str]:
    prefix = "Probelauf (nichts gespeichert): " if result.dry_run else ""
    if result.already_imported:
        yield f"Keine Änderungen: diese Datei ist bereits importiert (gültig ab {result.valid_from:%d.%m.%Y})."
        return
    yield (
        f"{prefix}{result.communes} Gemeinden gelesen (gültig ab {result.valid_from:%d.%m.%Y}): "
        f"{len(result.created)} neue Versionen, {len(result.closed)} beendet, {result.unchanged} unverändert."
    )
    if result.skipped_water:
        yield f"{result.skipped_water} Wasserflächen (GF ≠ 4) übersprungen."
    if result.skipped_other_states:
        yield f"{result.skipped_other_states} Gemeinden anderer Länder übersprungen."
    if result.repaired:
        yield f"{len(result.repaired)} ungültige Geometrien repariert: {', '.join(result.repaired)}."
    if result.districts_created:
        yield f"Kreise mit neuer Version: {', '.join(result.districts_created)}."
    if result.closed:
        yield f"Beendet (z. B. durch Eingemeindung): {', '.join(result.closed)}."
    yield f"Suchindex: {result.parts} Teilflächen."
