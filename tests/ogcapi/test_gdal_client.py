"""GDAL's OAPIF driver — what QGIS uses underneath — against the live server: list the layers, read
features with a spatial filter, copy a collection into a GeoPackage and read it back.

Runs Debian's ``ogrinfo``/``ogr2ogr`` (gdal-bin, scripts/system-packages.sh) as a real client over HTTP.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess

import pytest
from django.utils import timezone

from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report
from tests.web.permit_data import SECRETS, approved_permit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin fehlt (scripts/system-packages.sh)"),
]


def _gdal(*args: str) -> str:
    """Run a GDAL tool without proxies (the live server is on loopback), failing on any error."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["GDAL_HTTP_TIMEOUT"] = "60"
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr, done.stderr
    return done.stdout


@pytest.fixture
def reports_in_three_cities(live_server):
    return [make_report(lonlat=where).report for where in (DRESDEN, LEIPZIG, CHEMNITZ)]


def test_ogrinfo_lists_the_collections_as_layers(live_server):
    listing = _gdal("ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogcapi")
    for layer in ("reports", "permits", "communes", "districts"):
        assert f": {layer}" in listing


def test_ogrinfo_reads_reports_inside_a_spatial_filter(live_server, reports_in_three_cities):
    dresden = reports_in_three_cities[0]
    out = _gdal(
        "ogrinfo",
        "-ro",
        "-spat",
        "13.6",
        "50.9",
        "13.9",
        "51.2",
        f"OAPIF:{live_server.url}/ogcapi",
        "reports",
    )
    assert "Feature Count: 1" in out or out.count("OGRFeature(reports)") == 1
    assert dresden.public_id in out
    assert reports_in_three_cities[1].public_id not in out


def test_ogr2ogr_copies_reports_into_a_geopackage(live_server, reports_in_three_cities, tmp_path):
    target = tmp_path / "meldungen.gpkg"
    # Pages of 2: GDAL asks for limit=2 and follows the next link (offset=2) for the third report.
    _gdal(
        "ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server.url}/ogcapi", "reports",
        "-oo", "PAGE_SIZE=2",
    )  # fmt: skip
    with sqlite3.connect(target) as db:
        (count,) = db.execute("SELECT count(*) FROM reports").fetchone()
        ids = {row[0] for row in db.execute("SELECT id FROM reports")}
        (srs,) = db.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'reports'"
        ).fetchone()
    assert count == 3
    assert ids == {r.public_id for r in reports_in_three_cities}
    assert srs == 4326


def test_ogr2ogr_copies_communes_with_their_names(live_server, tmp_path):
    target = tmp_path / "gemeinden.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server.url}/ogcapi", "communes")
    with sqlite3.connect(target) as db:
        (count,) = db.execute("SELECT count(*) FROM communes").fetchone()
        (name,) = db.execute("SELECT name FROM communes WHERE ags = '14612000'").fetchone()
    assert count == 418 and name == "Dresden"


def test_ogr2ogr_copies_approved_permits_with_their_period_and_no_applicant(live_server, tmp_path):
    now = timezone.now()
    permit = approved_permit(start=now + dt.timedelta(hours=1), end=now + dt.timedelta(days=2))
    target = tmp_path / "sondernutzungen.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server.url}/ogcapi", "permits")
    with sqlite3.connect(target) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(permits)")}
        rows = db.execute("SELECT id, kind, start FROM permits").fetchall()
    assert [(row[0], row[1]) for row in rows] == [(permit.public_id, "geruest")]
    stored_start = dt.datetime.fromisoformat(rows[0][2])  # GDAL keeps milliseconds
    assert abs(stored_start - permit.start) < dt.timedelta(seconds=1)
    assert not columns & {"applicant", "name", "email", "phone", "address"}
    assert not any(secret in str(rows) for secret in SECRETS)
