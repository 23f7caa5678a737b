"""Every CSV the product writes neutralises spreadsheet formulas (issue 25 item 6).

A citizen's description or place like ``=HYPERLINK("http://evil.example","Klick")`` must not become a live
formula when someone opens the public open-data download or a statistics table in Excel or LibreOffice.
One helper (``kernel.core.spreadsheet``) writes them all; numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from domains.reports.models import Category
from interfaces.opendata.export import export_opendata
from tests.factories import DRESDEN, make_report

ROOT = Path(__file__).resolve().parent.parent.parent
DESCRIPTION = '=HYPERLINK("http://evil.example","Klick")'
PLACE = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+49 351 1234", "'+49 351 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Schlagloch = tief", "Schlagloch = tief"),
        (None, ""),
        (-12.5, "-12.5"),  # a number is never a formula: coordinates and figures stay numeric
        (-3, "-3"),
        (Decimal("-0.50"), "-0.50"),
    ],
)
def test_cells_starting_like_a_formula_are_prefixed_and_numbers_stay(value, written):
    from kernel.core.spreadsheet import csv_safe

    assert csv_safe(value) == written


@pytest.mark.django_db
def test_open_data_csv_neutralises_description_and_place(tmp_path, settings):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    report = make_report(lonlat=DRESDEN, description=DESCRIPTION, place=PLACE).report
    day = dt.date(2026, 12, 4)
    export_opendata(day=day)
    for name in ("meldungen-sachsen.csv", "meldungen-14612000.csv"):
        with (tmp_path / "opendata" / day.isoformat() / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        row = next(r for r in rows if r["id"] == report.public_id)
        assert row["description"] == "'" + DESCRIPTION
        assert row["place"] == "'" + PLACE
        assert not any(cell.startswith(FORMULA_START) for r in rows for cell in r.values() if cell)
        assert float(row["lon_wgs84"]) == pytest.approx(DRESDEN[0], abs=1e-6)


@pytest.mark.django_db
def test_statistics_csv_neutralises_names(client):
    make_report(lonlat=DRESDEN, category="schlagloch")
    Category.objects.filter(slug="schlagloch").update(name="=2+5")
    response = client.get("/statistik/gemeinden/14612000/kategorien.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert ["'=2+5", "schlagloch"] == next(r for r in rows if r[1] == "schlagloch")[:2]
    assert not any(cell.startswith(FORMULA_START) for row in rows for cell in row)


def test_every_csv_writer_goes_through_the_one_helper():
    """A new ``csv.writer``/``csv.DictWriter`` outside ``kernel/core/spreadsheet.py`` would bypass the escaping."""
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    folders = [
        folder
        for folder in ROOT.iterdir()
        if folder.is_dir() and not folder.is_symlink() and not folder.name.startswith(".")
        and folder.name not in ("tests", "node_modules")
    ]  # fmt: skip
    sources = [path for folder in folders for path in folder.rglob("*.py")]
    assert ROOT / "interfaces" / "opendata" / "export.py" in sources  # the scan sees the application packages
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if path != ROOT / "kernel" / "core" / "spreadsheet.py"
        and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
