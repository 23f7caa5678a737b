"""Vector tiles: valid MVT with public fields only, clustering at low zoom, 204/400/304."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest

from domains.reports.models import Report
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def get(client, lon, lat, z, **params):
    z, x, y = tile_of(lon, lat, z)
    return client.get(f"/tiles/reports/{z}/{x}/{y}.pbf", params)


def decode(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content)
    return layers["reports"]["features"]


@pytest.fixture
def reports():
    near = [
        make_report(lonlat=(DRESDEN[0] + i * 0.00001, DRESDEN[1]), email="geheim@example.org").report
        for i in range(3)
    ]
    far = make_report(lonlat=(13.76, 51.06), category="graffiti").report
    return near, far


def test_high_zoom_has_every_report_with_public_fields_only(client, reports):
    near, _ = reports
    features = decode(get(client, *DRESDEN, 17))
    ids = {f["properties"]["id"] for f in features}
    assert ids == {r.public_id for r in near}
    props = features[0]["properties"]
    assert set(props) == {"id", "status", "category", "count"}
    assert b"geheim" not in get(client, *DRESDEN, 17).content


def test_mid_zoom_clusters_nearby_points(client, reports):
    features = decode(get(client, *DRESDEN, 12))
    counts = sorted(f["properties"]["count"] for f in features)
    assert counts == [1, 3]  # the three close reports are one cluster, the distant one stands alone
    single = next(f for f in features if f["properties"]["count"] == 1)
    assert single["properties"]["category"] == "graffiti"


def test_low_zoom_counts_per_commune(client, reports):
    make_report(lonlat=LEIPZIG)
    features = decode(get(client, 13.0, 51.0, 6))
    by_commune = {f["properties"]["commune"]: f["properties"]["count"] for f in features}
    assert by_commune["14612000"] == 4 and by_commune["14713000"] == 1


def test_filters_by_status_and_category(client, reports):
    _, far = reports
    assert {f["properties"]["id"] for f in decode(get(client, 13.76, 51.06, 16, category="graffiti"))} == {
        far.public_id
    }
    Report.objects.filter(pk=far.pk).update(status="resolved")
    assert get(client, 13.76, 51.06, 16, status="open").status_code == 204
    assert get(client, 13.76, 51.06, 16, status="kaputt").status_code == 400


def test_empty_area_is_204_and_invalid_addresses_are_400(client):
    assert get(client, 12.0, 50.3, 14).status_code == 204
    for url in [
        "/tiles/reports/23/0/0.pbf",
        "/tiles/reports/3/8/0.pbf",
        "/tiles/reports/3/0/8.pbf",
        "/tiles/reports/abc/0/0.pbf",
        "/tiles/reports/-1/0/0.pbf",
        "/tiles/reports/3/1.5/0.pbf",
        "/tiles/reports/3/0/%C2%B2.pbf",
        "/tiles/permits/x/0/0.pbf",
        "/tiles/reports/3/0/" + "9" * 5000 + ".pbf",
    ]:
        response = client.get(url)
        assert response.status_code == 400
        assert response.json()["errors"]


def test_etag_and_cache_headers(client, reports):
    first = get(client, *DRESDEN, 15)
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    z, x, y = tile_of(*DRESDEN, 15)
    again = client.get(f"/tiles/reports/{z}/{x}/{y}.pbf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_permit_tiles_show_approved_active_permits_without_applicant(client):
    from domains.permits.models import Permit
    from domains.permits.services import PermitDraft, permit_create
    from tests.permits.helpers import applicant, future
    from tests.permits.test_conflicts import box

    permit = permit_create(
        draft=PermitDraft(
            kind="geruest",
            geometry=box(),
            start=future(1),
            end=future(5),
            applicant=applicant(name="Geheim GmbH"),
        )
    ).permit
    z, x, y = tile_of(13.7551, 51.06505, 16)
    day = future(2)[:10]
    assert client.get(f"/tiles/permits/{z}/{x}/{y}.pbf", {"date": day}).status_code == 204  # not approved yet
    Permit.objects.filter(pk=permit.pk).update(status="approved")
    response = client.get(f"/tiles/permits/{z}/{x}/{y}.pbf", {"date": day})
    features = mapbox_vector_tile.decode(response.content)["permits"]["features"]
    assert [f["properties"]["id"] for f in features] == [permit.public_id]
    assert b"Geheim" not in response.content
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_low_zoom_counts_a_commune_crossing_a_tile_border_once_with_all_its_reports(client):
    """The commune's feature sits in the tile of its label point and counts the reports in its other
    tile too; the other tile has no feature for it (nothing lost, nothing counted twice)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            WITH c AS (
                SELECT ags, geom, ST_Transform(ST_PointOnSurface(geom), 3857) AS label
                FROM boundaries_commune WHERE valid_to IS NULL
            ), t AS (
                SELECT c.*, floor((ST_X(label) + 20037508.342789244) / (40075016.68557849 / 256))::int AS tx,
                       floor((20037508.342789244 - ST_Y(label)) / (40075016.68557849 / 256))::int AS ty
                FROM c
            )
            SELECT ags, tx, ty, ST_X(p), ST_Y(p) FROM (
                SELECT ags, tx, ty, ST_Transform(ST_PointOnSurface(ST_Difference(
                    ST_Transform(geom, 3857), ST_Buffer(ST_TileEnvelope(8, tx, ty), 500))), 4326) AS p
                FROM t WHERE NOT ST_Within(ST_Transform(geom, 3857), ST_TileEnvelope(8, tx, ty))
            ) s WHERE NOT ST_IsEmpty(p) ORDER BY ags LIMIT 1
            """
        )
        ags, tx, ty, lon, lat = cur.fetchone()
    created = make_report(lonlat=(lon, lat)).report
    assert created.commune.ags == ags
    label_tile = client.get(f"/tiles/reports/8/{tx}/{ty}.pbf")
    counts = {f["properties"]["commune"]: f["properties"]["count"] for f in decode(label_tile)}
    assert counts[ags] == 1
    _, rx, ry = tile_of(lon, lat, 8)
    assert (rx, ry) != (tx, ty)
    other = client.get(f"/tiles/reports/8/{rx}/{ry}.pbf")
    # It may appear there only inside the tile's buffer (so markers are not cut at tile edges), which
    # clients drop: its point lies outside the tile's own 0…4096 square.
    for feature in decode(other) if other.status_code == 200 else []:
        if feature["properties"]["commune"] == ags:
            x, y = feature["geometry"]["coordinates"]
            assert not (0 <= x < 4096 and 0 < y <= 4096)


def test_empty_and_unchanged_tiles_carry_no_html_content_type(client, reports):
    """A 204 has no content, so no Content-Type (RFC 9110 §6.4.1, §8.3): MapLibre and QGIS take it as an
    empty tile, as OGC API – Tiles allows (204, or 200 with an empty tile). Django's default
    ``text/html`` would claim an HTML page; on a 304 a cache could even copy it onto the stored tile."""
    empty = get(client, 12.0, 50.3, 14)
    assert empty.status_code == 204 and empty.content == b""
    assert "Content-Type" not in empty
    permits = client.get("/tiles/permits/14/8800/5500.pbf")
    assert permits.status_code == 204 and "Content-Type" not in permits
    first = get(client, *DRESDEN, 15)
    z, x, y = tile_of(*DRESDEN, 15)
    again = client.get(f"/tiles/reports/{z}/{x}/{y}.pbf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and "Content-Type" not in again
