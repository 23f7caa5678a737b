"""Writing CSV that is safe to open in a spreadsheet (OWASP "CSV Injection").

Every CSV the product writes — the staff work queue, the public open-data downloads, the statistics tables
— contains text others typed: a citizen's description or place, a category name. A cell such as
``=HYPERLINK("http://evil.example", "Klick")`` or ``@SUM(…)`` becomes a live formula when the file is
opened in Excel or LibreOffice. Each text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is therefore written with a leading apostrophe, which spreadsheets read as "this is text".

Numbers (int, float, Decimal) are written as they are: they cannot be formulas, and coordinates and
figures must stay numeric for the tools that read open data. ``tests/opendata/test_csv_injection.py``
fails when a ``csv.writer`` is used anywhere else.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def csv_safe(value: Any) -> str:
    """The cell text for ``value``: ``None`` → "", numbers unchanged, formula-like text prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class SafeWriter:
    """``csv.writer`` whose every cell passes through :func:`csv_safe`; ``writerow`` returns what the
    target's ``write`` returned (the line itself for a streaming echo target)."""

    def __init__(self, target: _Writable, **options: Any) -> None:
        self._writer = csv.writer(target, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(target: _Writable, **options: Any) -> SafeWriter:
    """A CSV writer for ``target`` (a file, an HttpResponse, a streaming echo) with the csv module's
    ``options`` (``delimiter=";"`` for German spreadsheets) that neutralises formulas in every cell."""
    return SafeWriter(target, **options)
