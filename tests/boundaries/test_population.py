"""load_population: inhabitants per commune from CSV, all or nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kernel.boundaries.models import Commune

pytestmark = pytest.mark.django_db


def _population(ags: str) -> int | None:
    return Commune.objects.current().get(ags=ags).population


def test_loads_population_with_semicolons_and_bom(tmp_path, capsys):
    path = tmp_path / "ewz.csv"
    path.write_text("\ufeffAGS;EWZ\n14612000;563.311\n14713000;619879\n", encoding="utf-8")
    call_command("load_population", str(path), "--dry-run")
    assert _population("14612000") is None
    call_command("load_population", str(path))
    assert (_population("14612000"), _population("14713000")) == (563311, 619879)
    call_command("load_population", str(path))
    assert "0 Gemeinden geändert, 2 unverändert" in capsys.readouterr().out


def test_one_bad_line_changes_nothing(tmp_path):
    path = tmp_path / "ewz.csv"
    path.write_text("ags,population\n14612000,563311\n14999999,5\n14713000,viele\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_population", str(path))
    assert "Zeile 4" in str(error.value) and "AGS 14999999: keine aktuelle Gemeinde." in str(error.value)
    assert _population("14612000") is None


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "ewz.csv"
    path.write_text("gemeinde;zahl\nDresden;1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Spalten „ags“ und „population“"):
        call_command("load_population", str(path))
