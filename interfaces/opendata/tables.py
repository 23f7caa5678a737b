"""The tables of a statistics page, built once from ``ScopeStatistics`` for the page and for the CSV.

The page and the CSV download show the same rows: the page with localised numbers, the CSV with plain
ones (dot as decimal separator, empty where a figure is unknown), so a spreadsheet can compute with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from domains.reports.statistics import Figures, Row, ScopeStatistics


@dataclass
class Table:
    slug: str
    caption: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # raw values (CSV)
    csv_only: frozenset[int] = frozenset()  # columns for spreadsheets (keys), not shown on the page

    @property
    def display_headers(self) -> list[str]:
        return [h for i, h in enumerate(self.headers) if i not in self.csv_only]

    @property
    def display(self) -> list[list[str]]:
        """The rows as the page shows them: localised numbers, "–" for unknown figures."""
        return [[_display(v) for i, v in enumerate(row) if i not in self.csv_only] for row in self.rows]


def _display(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return number_format(value, 1)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _figure_columns(f: Figures) -> list[Any]:
    return [
        f.total,
        f.open,
        f.resolved,
        _round(f.median_days),
        _round(f.p90_days),
        _percent(f.in_deadline_share),
        _round(f.per_1000, 2),
    ]


def _figure_headers() -> list[str]:
    return [
        _("Meldungen"),
        _("Offen"),
        _("Erledigt"),
        _("Median Tage bis erledigt"),
        _("90 %-Perzentil Tage"),
        _("Erledigt in der Frist (%)"),
        _("Meldungen je 1.000 Einw. (12 Monate)"),
    ]


def _rows_table(slug: str, caption: str, first: str, rows: list[Row]) -> Table:
    table = Table(slug, caption, [first, _("Schlüssel"), *_figure_headers()], csv_only=frozenset({1}))
    table.rows = [[row.label, row.key, *_figure_columns(row.figures)] for row in rows]
    return table


def build_tables(stats: ScopeStatistics) -> dict[str, Table]:
    """Every table of the page, keyed by the slug used in the CSV URL."""
    summary = Table("kennzahlen", _("Kennzahlen"), [_("Kennzahl"), _("Wert")])
    f = stats.summary
    summary.rows = [
        [_("Meldungen insgesamt"), f.total],
        [_("Offen"), f.open],
        [_("Erledigt"), f.resolved],
        [_("Median Tage bis erledigt"), _round(f.median_days)],
        [_("90 %-Perzentil Tage bis erledigt"), _round(f.p90_days)],
        [_("Erledigt in der Frist (%)"), _percent(f.in_deadline_share)],
        [_("Meldungen der letzten 12 Monate"), f.last_year],
        [_("Einwohnerzahl"), f.population],
        [_("Meldungen je 1.000 Einwohner (12 Monate)"), _round(f.per_1000, 2)],
    ]
    months = Table(
        "monate",
        _("Verlauf nach Monat (letzte 24 Monate)"),
        [_("Monat"), _("Eingegangen"), _("Erledigt"), _("Median Tage (erledigt im Monat)")],
    )
    months.rows = [
        [m.month.strftime("%Y-%m"), m.created, m.resolved, _round(m.median_days)] for m in stats.months
    ]
    tables = {
        "kennzahlen": summary,
        "monate": months,
        "kategorien": _rows_table("kategorien", _("Nach Kategorie"), _("Kategorie"), stats.categories),
    }
    if stats.kind != "commune":
        state = stats.kind == "state"
        caption = _("Landkreise und kreisfreie Städte im Vergleich") if state else _("Gemeinden im Vergleich")
        first = _("Landkreis / kreisfreie Stadt") if state else _("Gemeinde")
        tables["vergleich"] = _rows_table("vergleich", caption, first, stats.areas)
    return tables
