"""``load_communes``: shipped data, dated versions, mergers, VG250 files, repairs, refusals."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection

from kernel.boundaries import importer
from kernel.boundaries.assignment import assign_point
from kernel.boundaries.models import BoundaryImport, Commune, CommunePart, District
from tests.boundaries.helpers import X0, Y0, ogr2ogr, ours, square, vg250, write_geojson

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def load(path: Path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_communes", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple:
    return (
        Commune.objects.count(),
        Commune.objects.current().count(),
        District.objects.count(),
        CommunePart.objects.count(),
        BoundaryImport.objects.count(),
    )


def test_shipped_data_has_every_saxon_commune_and_district():
    assert Commune.objects.current().count() == 418
    assert District.objects.current().count() == 13
    assert set(District.objects.values_list("ags", flat=True)) >= {"14511", "14612", "14713", "14729"}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT max(ST_NPoints(geom)), bool_and(ST_IsValid(geom)), count(*) FROM boundaries_communepart"
        )
        max_points, all_valid, parts = cur.fetchone()
        # Every commune is covered by its parts: the areas agree to the square metre.
        cur.execute(
            "SELECT max(abs(ST_Area(c.geom) - s.area)) FROM boundaries_commune c "
            "JOIN (SELECT commune_id, sum(ST_Area(geom)) AS area FROM boundaries_communepart GROUP BY 1) s "
            "ON s.commune_id = c.id"
        )
        (max_area_diff,) = cur.fetchone()
    assert max_points <= 256 and all_valid and parts >= 418
    assert max_area_diff < 1.0
    dresden = Commune.objects.current().get(ags="14612000")
    assert dresden.district.name == "Dresden" and dresden.district.bez == "Kreisfreie Stadt"
    assert dresden.valid_from == dt.date(2024, 1, 1)


def test_reloading_the_same_file_changes_nothing():
    before = snapshot()
    out = load(importer.DEFAULT_COMMUNES)
    assert "bereits importiert" in out
    assert snapshot() == before


def test_full_comparison_of_unchanged_data_creates_no_versions():
    before = snapshot()
    out = load(importer.DEFAULT_COMMUNES, "--force")
    assert "0 neue Versionen, 0 beendet, 418 unverändert" in out
    assert snapshot()[:4] == before[:4]


def test_dry_run_reports_but_stores_nothing(tmp_path):
    src = write_geojson(tmp_path / "a.geojson", [ours("14999001", "Testdorf", square(0))])
    before = snapshot()
    out = load(src, "--valid-from", "2020-01-01", "--dry-run")
    assert "Probelauf" in out and "1 neue Versionen" in out
    assert snapshot() == before


def test_merger_closes_the_absorbed_commune_and_keeps_history(tmp_path):
    v1 = write_geojson(
        tmp_path / "v1.geojson",
        [ours("14999001", "Altdorf", square(0)), ours("14999002", "Neudorf", square(1))],
    )
    load(v1, "--valid-from", "2020-01-01")
    merged = [[square(0)[0]], [square(1)[0]]]
    v2 = write_geojson(
        tmp_path / "v2.geojson",
        [ours("14999001", "Altneudorf", merged, merged_from=None)],
    )
    v2.write_text(v2.read_text().replace('"type": "Polygon"', '"type": "MultiPolygon"'))
    out = load(v2, "--valid-from", "2023-01-01")
    assert "Beendet (z. B. durch Eingemeindung): 14999002" in out

    old, new = Commune.objects.filter(ags="14999001").order_by("valid_from")
    assert (old.name, old.valid_to) == ("Altdorf", dt.date(2023, 1, 1))
    assert (new.name, new.valid_to) == ("Altneudorf", None)
    assert Commune.objects.get(ags="14999002").valid_to == dt.date(2023, 1, 1)
    # The district keeps its version: mergers inside a district do not change its area.
    assert District.objects.filter(ags="14999").count() == 1

    in_neudorf = Point(X0 + 3_000, Y0 + 1_000, srid=25833)
    assert assign_point(in_neudorf, on=dt.date(2021, 6, 1)).commune.name == "Neudorf"
    assert assign_point(in_neudorf, on=dt.date(2023, 1, 1)).commune.name == "Altneudorf"
    assert assign_point(in_neudorf, on=dt.date(2024, 1, 1)).commune.pk == new.pk

    # Loading the first edition again with its old date is refused: history is append-only.
    with pytest.raises(CommandError, match="bereits eine Version ab"):
        load(v1, "--valid-from", "2020-01-01", "--force")


def test_boundary_change_of_a_district_gives_its_communes_new_versions(tmp_path):
    v1 = write_geojson(
        tmp_path / "v1.geojson", [ours("14999001", "A", square(0)), ours("14999002", "B", square(1))]
    )
    load(v1, "--valid-from", "2020-01-01")
    grown = square(1)
    grown[0][1][0] += 500  # B grows east: the district's area changes, A's does not
    grown[0][2][0] += 500
    load(
        write_geojson(
            tmp_path / "v2.geojson", [ours("14999001", "A", square(0)), ours("14999002", "B", grown)]
        ),
        "--valid-from",
        "2022-01-01",
    )
    district_versions = District.objects.filter(ags="14999").order_by("valid_from")
    assert [d.valid_to for d in district_versions] == [dt.date(2022, 1, 1), None]
    a_current = Commune.objects.current().get(ags="14999001")
    assert a_current.valid_from == dt.date(2022, 1, 1)
    assert a_current.district_id == district_versions[1].id


def test_vg250_shapefile_in_utm32_with_water_rows_and_duplicates(tmp_path):
    # VG250 ships in UTM zone 32 with one row per AGS and GF (land/water), sometimes split land areas.
    src = write_geojson(
        tmp_path / "vg250_gem.geojson",
        [
            vg250("14999011", "Wasserstadt", square(0), gf=4),
            vg250("14999011", "Wasserstadt", square(0, 1), gf=4),  # a second land piece: merged
            vg250("14999011", "Wasserstadt", square(0, 2), gf=2),  # water area: skipped
            vg250("14999012", "Landgemeinde", square(1), gf=4),
            vg250("09162000", "München", square(5), gf=4),  # another state: skipped
        ],
    )
    shp_dir = tmp_path / "vg250_ebenen"
    shp_dir.mkdir()
    ogr2ogr(shp_dir / "VG250_GEM.shp", src, "-s_srs", "EPSG:25833", "-t_srs", "EPSG:25832")
    out = load(shp_dir / "VG250_GEM.shp", "--valid-from", "2025-01-01")
    assert "2 Gemeinden gelesen" in out
    assert "1 Wasserflächen" in out and "1 Gemeinden anderer Länder" in out

    town = Commune.objects.current().get(ags="14999011")
    assert town.valid_from == dt.date(2025, 1, 1)
    assert town.ars == "149990000011"
    assert town.geom.srid == 25833
    # Reprojected back from UTM32 to UTM33: two 2 km squares = 8 km², within a square metre.
    assert abs(town.geom.area - 2 * 2_000**2) < 1.0
    assert abs(town.geom.extent[0] - X0) < 0.01
    assert not Commune.objects.filter(ags="09162000").exists()
    assert assign_point(Point(X0 + 1_000, Y0 + 3_000, srid=25833)).commune.ags == "14999011"
    assert assign_point(Point(X0 + 3_000, Y0 + 1_000, srid=25833)).commune.ags == "14999012"


def test_vg250_geopackage_takes_district_names_from_its_krs_layer(tmp_path):
    gem = write_geojson(tmp_path / "gem.geojson", [vg250("14999021", "Paketdorf", square(0))])
    krs = write_geojson(
        tmp_path / "krs.geojson",
        [
            {
                "type": "Feature",
                "properties": {"AGS": "14999", "GEN": "Musterkreis", "BEZ": "Landkreis"},
                "geometry": {"type": "Polygon", "coordinates": square(0)},
            }
        ],
    )
    gpkg = tmp_path / "vg250.gpkg"
    ogr2ogr(gpkg, gem, "-s_srs", "EPSG:25833", "-t_srs", "EPSG:25832", "-nln", "vg250_gem")
    ogr2ogr(gpkg, krs, "-update", "-s_srs", "EPSG:25833", "-t_srs", "EPSG:25832", "-nln", "vg250_krs")
    load(gpkg, "--valid-from", "2025-01-01")
    district = District.objects.current().get(ags="14999")
    assert (district.name, district.bez) == ("Musterkreis", "Landkreis")


def test_invalid_geometry_is_repaired_and_reported(tmp_path):
    x, y = X0, Y0
    bowtie = [[[x, y], [x + 1000, y + 1000], [x + 1000, y], [x, y + 1000], [x, y]]]
    out = load(
        write_geojson(tmp_path / "b.geojson", [ours("14999031", "Schleife", bowtie)]),
        "--valid-from",
        "2020-01-01",
    )
    assert "14999031 war ungültig und wurde mit ST_MakeValid repariert" in out
    commune = Commune.objects.get(ags="14999031")
    assert commune.geom.valid
    assert abs(commune.geom.area - 500_000) < 1.0  # two triangles of 250,000 m² each


@pytest.mark.parametrize(
    ("features", "srid", "message"),
    [
        (
            [
                {
                    "type": "Feature",
                    "properties": {"name": "X"},
                    "geometry": {"type": "Polygon", "coordinates": square(0)},
                }
            ],
            25833,
            "Pflichtfeld fehlt: AGS",
        ),
        (
            [
                {
                    "type": "Feature",
                    "properties": {"ags": "14999041"},
                    "geometry": {"type": "Polygon", "coordinates": square(0)},
                }
            ],
            25833,
            "Pflichtfeld fehlt: Name",
        ),
        (
            [
                {
                    "type": "Feature",
                    "properties": {"ags": "14999041", "name": "Punkt"},
                    "geometry": {"type": "Point", "coordinates": [X0, Y0]},
                }
            ],
            25833,
            "Flächengeometrie erwartet",
        ),
        ([ours("1499904", "Kurz", square(0))], 25833, "ungültiger Gemeindeschlüssel"),
        ([ours("14999041", "", square(0))], 25833, "Name fehlt"),
        ([ours("09162000", "München", square(0))], 25833, "keine sächsischen Gemeinden"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, features, srid, message):
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        load(write_geojson(tmp_path / "bad.geojson", features, srid=srid), "--valid-from", "2020-01-01")
    assert snapshot() == before


def test_shapefile_without_crs_is_refused(tmp_path):
    src = write_geojson(tmp_path / "x.geojson", [vg250("14999051", "Ohne", square(0))])
    ogr2ogr(tmp_path / "noprj.shp", src)
    (tmp_path / "noprj.prj").unlink()
    with pytest.raises(CommandError, match="kein Koordinatenbezugssystem"):
        load(tmp_path / "noprj.shp", "--valid-from", "2020-01-01")


def test_unreadable_and_missing_files_are_refused(tmp_path):
    garbage = tmp_path / "gemeinden.geojson"
    garbage.write_bytes(b"\x00\x01not a geodata file\xff" * 10)
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        load(garbage, "--valid-from", "2020-01-01")
    with pytest.raises(CommandError, match="Datei nicht gefunden"):
        load(tmp_path / "nope.gpkg", "--valid-from", "2020-01-01")
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        load(garbage, "--valid-from", "1.1.2020")


def test_file_without_date_needs_valid_from(tmp_path):
    src = write_geojson(tmp_path / "a.geojson", [ours("14999061", "Datumlos", square(0))])
    with pytest.raises(CommandError, match="--valid-from"):
        load(src)


def test_truncated_file_would_close_too_many_communes_and_is_refused(tmp_path):
    before = snapshot()
    only_dresden = write_geojson(tmp_path / "d.geojson", [ours("14628010", "Altenberg", square(0))])
    with pytest.raises(CommandError, match="--allow-closing"):
        load(only_dresden, "--valid-from", "2025-01-01")
    assert snapshot() == before


def test_a_failure_late_in_the_import_leaves_previous_data_untouched(tmp_path, monkeypatch):
    def broken_rebuild() -> int:
        raise importer.BoundaryImportError("Simulierter Fehler beim Suchindex")

    monkeypatch.setattr(importer, "rebuild_lookup_table", lambda **kwargs: broken_rebuild())
    before = snapshot()
    src = write_geojson(tmp_path / "a.geojson", [ours("14999071", "Halbfertig", square(0))])
    with pytest.raises(CommandError, match="Simulierter Fehler"):
        load(src, "--valid-from", "2020-01-01")
    assert snapshot() == before
    assert not Commune.objects.filter(ags="14999071").exists()


def test_command_exits_non_zero_on_bad_input(tmp_path):
    garbage = tmp_path / "x.geojson"
    garbage.write_text("{ this is not json")
    result = subprocess.run(
        [sys.executable, "manage.py", "load_communes", str(garbage), "--valid-from", "2020-01-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Import abgebrochen" in result.stderr


def test_attribution_names_the_edition_year_of_the_boundaries_in_use(client, tmp_path):
    # The shipped data: VG250 of 2016.
    locate = {"lon": "13.7373", "lat": "51.0504"}
    assert "BKG (2016)" in client.get("/api/v1/communes/locate/", locate).json()["attribution"]
    assert "BKG (2016)" in client.get("/meldungen/").content.decode()
    edition = write_geojson(tmp_path / "vg250_2025.geojson", [ours("14999001", "Altdorf", square(0))])
    with pytest.raises(CommandError, match="Jahr der BKG-Ausgabe"):
        load(edition, "--valid-from", "2026-01-01", "--edition-year", "25")
    load(edition, "--valid-from", "2026-01-01", "--edition-year", "2025")
    assert BoundaryImport.objects.first().edition_year == 2025
    answer = client.get("/api/v1/communes/locate/", locate).json()
    assert answer["attribution"] == "© GeoBasis-DE / BKG (2025), dl-de/by-2-0, Daten verändert"
    page = client.get("/meldungen/").content.decode()
    assert "BKG (2025)" in page and "BKG (2016)" not in page
