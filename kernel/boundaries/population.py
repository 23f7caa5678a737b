"""Inhabitants per commune (``Commune.population``) from a CSV of the Statistisches Landesamt Sachsen (or
VG250's ``EWZ`` exported as CSV): the statistics pages show reports per 1,000 inhabitants only where
it is known.

The file: a header line naming an AGS column (``ags``/``AGS``) and a population column
(``population``/``einwohner``/``EWZ``), separated by ``;`` or ``,``; UTF-8 (a BOM is fine). All or
nothing: one malformed line or unknown AGS refuses the whole file, listing each problem in German.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from kernel.boundaries.models import Commune

AGS_COLUMNS = ("ags",)
POPULATION_COLUMNS = ("population", "einwohner", "ewz")


@dataclass
class PopulationResult:
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _columns(header: list[str]) -> tuple[int, int] | None:
    lower = [h.strip().lower() for h in header]
    ags = next((lower.index(c) for c in AGS_COLUMNS if c in lower), None)
    population = next((lower.index(c) for c in POPULATION_COLUMNS if c in lower), None)
    return None if ags is None or population is None else (ags, population)


def parse_population(text: str) -> tuple[dict[str, int], list[str]]:
    """``{AGS: inhabitants}`` and the German error messages of the lines that could not be read."""
    text = text.lstrip("\ufeff")
    delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    columns = _columns(rows[0]) if rows else None
    if columns is None:
        return {}, ["Kopfzeile: Spalten „ags“ und „population“ (oder „einwohner“/„EWZ“) fehlen."]
    values, errors = {}, []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            ags, raw = row[columns[0]].strip(), row[columns[1]].strip().replace(".", "")
        except IndexError:
            errors.append(f"Zeile {number}: zu wenige Spalten.")
            continue
        if len(ags) != 8 or not ags.isdigit() or not raw.isdigit():
            errors.append(f"Zeile {number}: AGS (8 Ziffern) und Einwohnerzahl (ganze Zahl) erwartet.")
            continue
        values[ags] = int(raw)
    return values, errors


def population_load(*, text: str, dry_run: bool = False) -> PopulationResult:
    """Set the population of the current version of each commune in ``text`` (one transaction)."""
    values, errors = parse_population(text)
    current = dict(Commune.objects.current().filter(ags__in=values).values_list("ags", "population"))
    errors += [f"AGS {ags}: keine aktuelle Gemeinde." for ags in sorted(set(values) - set(current))]
    result = PopulationResult(errors=errors)
    if errors:
        return result
    changed = {ags: n for ags, n in values.items() if current[ags] != n}
    result.updated, result.unchanged = len(changed), len(values) - len(changed)
    if not dry_run:
        with transaction.atomic():
            for ags, population in changed.items():
                Commune.objects.current().filter(ags=ags).update(population=population)
    return result
