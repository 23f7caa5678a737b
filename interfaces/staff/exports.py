"""CSV export of the work queue for spreadsheets, safe against formula injection.

A citizen's description like ``=HYPERLINK("http://evil", "Klick")`` must not become a live formula when
staff open the export in Excel or LibreOffice: ``kernel.core.spreadsheet`` writes every cell (the one helper for
all the product's CSV files).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from kernel.core.spreadsheet import safe_writer

HEADER = [
    "Meldungsnummer",
    "Kategorie",
    "Gemeinde",
    "Ort",
    "Nächste Adresse",
    "Status",
    "Eingegangen",
    "Fällig",
    "Zugewiesen",
    "Unterstützer",
    "Beschreibung",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def queue_rows(reports: Iterable[Any]) -> Iterator[str]:
    """CSV lines (semicolon-separated, as German spreadsheets expect), header first, BOM for Excel."""
    writer = safe_writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(HEADER)
    for r in reports:
        created = timezone.localtime(r.created).strftime("%d.%m.%Y %H:%M")
        due = timezone.localtime(r.due).strftime("%d.%m.%Y") if r.due else ""
        assigned = " ".join(
            x for x in [r.assignee.username if r.assignee else "", r.team.name if r.team else ""] if x
        )
        yield writer.writerow(
            [
                r.public_id,
                r.category.name,
                r.commune.name,
                r.place,
                r.nearest_address,
                r.get_status_display(),
                created,
                due,
                assigned,
                r.supporters,
                r.description,
            ]
        )
