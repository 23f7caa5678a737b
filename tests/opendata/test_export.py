"""The nightly export: GeoPackage read back with GDAL, CSV columns and coordinates, no personal data,
dated folders kept to 7, atomic replacement, the download page and file serving, the daily job."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from interfaces.opendata.export import export_folders, export_opendata
from kernel.notifications.daily import daily_jobs_run_due
from kernel.notifications.models import DailyJobRun
from tests.factories import DRESDEN, LEIPZIG, make_report
from tests.web.permit_data import SECRETS, approved_permit

pytestmark = pytest.mark.django_db
REPORTER = {"name": "Erika Meldend", "email": "erika.meldend@example.org", "phone": "0351 4711"}
DAY = dt.date(2026, 12, 4)


@pytest.fixture
def root(tmp_path, settings):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    return tmp_path / "opendata"


@pytest.fixture
def data():
    reports = [make_report(lonlat=DRESDEN, **REPORTER).report, make_report(lonlat=LEIPZIG, **REPORTER).report]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    permit = approved_permit(start=tomorrow, end=tomorrow + dt.timedelta(days=6))
    return reports, permit


def _ogrinfo(path) -> str:
    done = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_export_writes_geopackage_and_csv_per_data_set(root, data):
    reports, permit = data
    result = export_opendata(day=DAY)
    folder = root / DAY.isoformat()
    assert result["reports"] == 2
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [
            "manifest.json",
            "meldungen-sachsen.gpkg",
            "meldungen-sachsen.csv",
            "meldungen-14612000.gpkg",
            "meldungen-14612000.csv",
            "meldungen-14713000.gpkg",
            "meldungen-14713000.csv",
            "sondernutzungen-sachsen.gpkg",
            "sondernutzungen-sachsen.csv",
        ]
    )
    info = _ogrinfo(folder / "meldungen-sachsen.gpkg")
    assert "Feature Count: 2" in info
    assert "Geometry: Point" in info
    assert 'ID["EPSG",25833]' in info
    assert "commune_ags: String" in info
    dresden = _ogrinfo(folder / "meldungen-14612000.gpkg")
    assert "Feature Count: 1" in dresden
    permits = _ogrinfo(folder / "sondernutzungen-sachsen.gpkg")
    assert "Feature Count: 1" in permits and "Multi Polygon" in permits


def test_csv_has_both_coordinate_pairs_and_public_fields_only(root, data):
    reports, permit = data
    export_opendata(day=DAY)
    with (root / DAY.isoformat() / "meldungen-sachsen.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {
        "id",
        "category",
        "status",
        "commune_ags",
        "created",
        "x_25833",
        "y_25833",
        "lon_wgs84",
        "lat_wgs84",
    } <= set(rows[0])
    dresden = next(r for r in rows if r["id"] == reports[0].public_id)
    assert (
        abs(float(dresden["lon_wgs84"]) - DRESDEN[0]) < 1e-6
        and abs(float(dresden["lat_wgs84"]) - DRESDEN[1]) < 1e-6
    )
    assert 410_000 < float(dresden["x_25833"]) < 420_000 and 5_650_000 < float(dresden["y_25833"]) < 5_660_000
    text = "".join(
        (root / DAY.isoformat()).joinpath(n).read_text(encoding="utf-8") for n in ("meldungen-sachsen.csv",)
    )
    for secret in REPORTER.values():
        assert secret not in text
    assert not any("reporter" in column or "email" in column for column in rows[0])
    permit_csv = (root / DAY.isoformat() / "sondernutzungen-sachsen.csv").read_text(encoding="utf-8")
    assert permit.public_id in permit_csv
    assert not any(secret in permit_csv for secret in SECRETS)


def test_geopackage_holds_no_personal_data(root, data):
    export_opendata(day=DAY)
    for name in ("meldungen-sachsen.gpkg", "sondernutzungen-sachsen.gpkg"):
        dump = subprocess.run(
            ["ogrinfo", "-ro", "-al", str(root / DAY.isoformat() / name)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert not any(secret in dump for secret in [*REPORTER.values(), *SECRETS])


def test_only_the_newest_seven_exports_are_kept_and_a_rerun_replaces_its_day(root, data):
    for offset in range(9):
        export_opendata(day=DAY - dt.timedelta(days=8 - offset))
    dates = [p.name for p in export_folders()]
    assert (
        len(dates) == 7
        and dates[0] == DAY.isoformat()
        and dates[-1] == (DAY - dt.timedelta(days=6)).isoformat()
    )
    make_report(lonlat=DRESDEN)
    export_opendata(day=DAY)
    manifest = json.loads((root / DAY.isoformat() / "manifest.json").read_text())
    assert manifest["datasets"][0]["count"] == 3
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_failed_export_leaves_the_previous_one_untouched(root, data, monkeypatch):
    export_opendata(day=DAY)
    before = sorted(p.name for p in root.iterdir())

    def broken(*args, **kwargs):
        raise subprocess.CalledProcessError(1, "ogr2ogr")

    monkeypatch.setattr("interfaces.opendata.export._ogr2ogr", broken)
    with pytest.raises(subprocess.CalledProcessError):
        export_opendata(day=DAY + dt.timedelta(days=1))
    assert sorted(p.name for p in root.iterdir()) == before


def test_daily_job_exports_once_per_day(root, data):
    assert "export_opendata" not in daily_jobs_run_due(DAY)  # its own lane and process, not the mail worker's
    assert daily_jobs_run_due(DAY, lane="opendata")["export_opendata"] == "ran"
    assert daily_jobs_run_due(DAY, lane="opendata")["export_opendata"] == "done"
    assert [p.name for p in export_folders()] == [DAY.isoformat()]
    assert DailyJobRun.objects.get(job="export_opendata", day=DAY).result["reports"] == 2


def test_download_page_lists_files_with_sizes_and_serves_them(client, root, data):
    export_opendata(day=DAY)
    page = client.get(reverse("opendata:downloads"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/opendata/{DAY.isoformat()}/meldungen-sachsen.gpkg" in html and "Byte" in html
    response = client.get(f"/opendata/{DAY.isoformat()}/meldungen-sachsen.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert b"x_25833" in b"".join(response.streaming_content)
    for bad in ("manifest.json", "..%2Fmanifest.json", "meldungen-sachsen.exe", "nix.csv"):
        assert client.get(f"/opendata/{DAY.isoformat()}/{bad}").status_code == 404
    assert client.get("/opendata/2020-01-01/meldungen-sachsen.csv").status_code == 404


def test_download_page_without_export(client, root):
    response = client.get(reverse("opendata:downloads"))
    assert response.status_code == 200 and "Noch kein Export" in response.content.decode()


def test_csv_columns_in_reading_order(root, data):
    export_opendata(day=DAY)
    header = (root / DAY.isoformat() / "meldungen-14612000.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,category,category_name,description,place,status,status_label,commune_ags")
    assert header.endswith("x_25833,y_25833,lon_wgs84,lat_wgs84")
    permits = (root / DAY.isoformat() / "sondernutzungen-sachsen.csv").read_text(encoding="utf-8")
    assert permits.startswith("id,kind,kind_name,start,end,area_m2,commune_ags,commune_name,x_25833")


def test_command_refuses_a_malformed_date_before_writing(tmp_path):
    with pytest.raises(CommandError, match="--date erwartet ein Datum der Form JJJJ-MM-TT"):
        call_command("export_opendata", "--date", "4.12.2026", "--root", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
