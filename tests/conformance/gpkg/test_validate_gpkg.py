"""The nightly GeoPackages checked by GDAL's own validator, ``validate_gpkg.py`` (OGC GeoPackage 1.x
requirements), as shipped by Debian's python3-gdal. It runs under Debian's ``/usr/bin/python3``, whose
GDAL bindings match the system GDAL the export writes with (the project's venv has no osgeo bindings)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from interfaces.opendata.export import export_opendata
from tests.factories import DRESDEN, LEIPZIG, make_report
from tests.web.permit_data import approved_permit

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SYSTEM_PYTHON = "/usr/bin/python3"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not VALIDATOR.is_file(), reason="python3-gdal fehlt (scripts/system-packages.sh)"),
]
DAY = dt.date(2026, 12, 4)


def _validate(path: Path) -> tuple[int, str]:
    """Exit code and findings of validate_gpkg.py on ``path``: all checks (-k), warnings count as errors."""
    done = subprocess.run(
        [SYSTEM_PYTHON, str(VALIDATOR), "-k", "--warning-as-error", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def geopackages(tmp_path, settings) -> list[Path]:
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    make_report(lonlat=DRESDEN)
    make_report(lonlat=LEIPZIG)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    approved_permit(start=tomorrow, end=tomorrow + dt.timedelta(days=6))
    export_opendata(day=DAY)
    return sorted((tmp_path / "opendata" / DAY.isoformat()).glob("*.gpkg"))


def test_every_nightly_geopackage_passes_gdal_validate_gpkg(geopackages):
    assert [p.name for p in geopackages] == [
        "meldungen-14612000.gpkg",
        "meldungen-14713000.gpkg",
        "meldungen-sachsen.gpkg",
        "sondernutzungen-sachsen.gpkg",
    ]
    for path in geopackages:
        assert _validate(path) == (0, ""), path.name


def test_validate_gpkg_rejects_a_geopackage_with_a_wrong_application_id(geopackages, tmp_path):
    """Negative control: the validator runs and fails (Requirement 2: application_id 'GPKG')."""
    broken = tmp_path / "kaputt.gpkg"
    shutil.copy(geopackages[0], broken)
    with sqlite3.connect(broken) as db:
        db.execute("PRAGMA application_id = 0")
    code, findings = _validate(broken)
    assert code == 1 and "Req 2:" in findings, findings


def test_validate_gpkg_rejects_a_feature_table_with_an_unknown_srs(geopackages, tmp_path):
    broken = tmp_path / "kaputt.gpkg"
    shutil.copy(geopackages[0], broken)
    with sqlite3.connect(broken) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("UPDATE gpkg_geometry_columns SET srs_id = 999999")
    code, findings = _validate(broken)
    assert code == 1 and "999999" in findings, findings
