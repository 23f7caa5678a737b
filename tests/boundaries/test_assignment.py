"""The assignment service on the real Saxon boundaries: districts, town halls, borders, outside."""

from __future__ import annotations

import random

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.db import connection

from kernel.boundaries.assignment import OutsideSaxony, assign_geometry, assign_many, assign_point
from kernel.boundaries.models import Commune, District
from kernel.geo.coords import parse_lon_lat

pytestmark = pytest.mark.django_db

TOWN_HALLS = [  # (lon, lat) → AGS, from kernel.boundaries/data/SOURCES.md
    ((13.7422, 51.0478), "14612000", "Dresden"),
    ((12.3719, 51.3347), "14713000", "Leipzig"),
    ((12.9214, 50.8333), "14511000", "Chemnitz"),
    ((14.9886, 51.1553), "14626110", "Görlitz"),
    ((14.4244, 51.1814), "14625020", "Bautzen"),
    ((12.4960, 50.7180), "14524330", "Zwickau"),
    ((12.1380, 50.4950), "14523320", "Plauen"),
]


@pytest.mark.parametrize(("lonlat", "ags", "name"), TOWN_HALLS)
def test_town_halls_map_to_their_commune(lonlat, ags, name):
    result = assign_point(parse_lon_lat(*lonlat))
    assert (result.commune.ags, result.commune.name) == (ags, name)
    assert result.district.ags == ags[:5]


def test_a_point_inside_every_district_maps_to_that_district():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ags, ST_X(p), ST_Y(p) FROM (SELECT ags, ST_PointOnSurface(geom) p FROM boundaries_district) s"
        )
        rows = cur.fetchall()
    assert len(rows) == 13
    for ags, x, y in rows:
        assert assign_point(Point(x, y, srid=25833)).district.ags == ags


def test_a_point_inside_every_commune_maps_to_that_commune():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ags, ST_X(p), ST_Y(p) FROM (SELECT ags, ST_PointOnSurface(geom) p FROM boundaries_commune) s"
        )
        rows = cur.fetchall()
    ids = assign_many([(x, y) for _, x, y in rows])
    by_id = dict(Commune.objects.values_list("id", "ags"))
    assert [by_id[i] for i in ids] == [ags for ags, _, _ in rows]


def _shared_vertex(ags_a: str, ags_b: str) -> Point:
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT ST_X(d.geom), ST_Y(d.geom)
            FROM boundaries_commune a, boundaries_commune b, ST_DumpPoints(a.geom) d
            WHERE a.ags = %s AND b.ags = %s AND ST_Covers(b.geom, d.geom)
            LIMIT 1
            """,
            [ags_a, ags_b],
        )
        x, y = cur.fetchone()
    return Point(x, y, srid=25833)


def test_a_point_on_a_shared_border_goes_to_the_lower_ags_every_time():
    # Dresden (14612000) and Radebeul (14627210) share a border.
    vertex = _shared_vertex("14627210", "14612000")
    results = {assign_point(vertex).commune.ags for _ in range(5)}
    assert results == {"14612000"}
    assert Commune.objects.get(pk=assign_many([(vertex.x, vertex.y)])[0]).ags == "14612000"


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(14.4208, 50.0880), (13.4050, 52.5200), (11.5, 50.5), (15.2, 51.2), (0.0, 0.0), (-75.0, 0.0)],
    ids=["Prag", "Berlin", "Thüringen", "Polen", "Nullpunkt", "Amerika"],  # -75/0 does not project to UTM 33
)
def test_points_outside_saxony_raise_a_german_error(lon, lat):
    with pytest.raises(OutsideSaxony) as info:
        assign_point(parse_lon_lat(lon, lat), field="location")
    assert info.value.message.startswith("Der Ort liegt außerhalb Sachsens")
    assert info.value.code == "outside_saxony"
    assert info.value.field == "location"
    assert "vertauscht" not in info.value.message


def test_swapped_coordinates_get_a_hint():
    with pytest.raises(OutsideSaxony, match="vertauscht"):
        assign_point(parse_lon_lat(51.0478, 13.7422))


def test_polygon_straddling_two_communes_has_shares_and_a_primary():
    vertex = _shared_vertex("14627210", "14612000")
    # A 200 m square centred on the border vertex: parts in both communes.
    box = Polygon.from_bbox((vertex.x - 100, vertex.y - 100, vertex.x + 100, vertex.y + 100))
    box.srid = 25833
    result = assign_geometry(box)
    ags = [share.commune.ags for share in result.shares]
    assert set(ags) >= {"14612000", "14627210"}
    assert result.shares == sorted(result.shares, key=lambda s: -s.share)
    assert result.primary.ags == ags[0]
    assert abs(result.inside_share - 1.0) < 1e-6
    assert result.district.ags == result.primary.ags[:5]


def test_line_shares_are_by_length():
    # A line from Dresden's centre 20 km west crosses into neighbouring communes.
    line = LineString((13.7422, 51.0478), (13.46, 51.0478), srid=4326)
    result = assign_geometry(line)
    assert result.primary.ags == "14612000"
    assert len(result.shares) >= 2
    assert abs(result.inside_share - 1.0) < 1e-6


def test_geometry_entirely_outside_saxony_is_refused():
    with pytest.raises(OutsideSaxony):
        assign_geometry(LineString((14.40, 50.08), (14.45, 50.09), srid=4326))
    with pytest.raises(OutsideSaxony):  # far away: refused before GDAL fails to project it
        assign_geometry(LineString((-75.0, 0.0), (-74.9, 0.1), srid=4326))


def test_bulk_assignment_agrees_with_single_lookups():
    rng = random.Random(7)
    points = [(rng.uniform(280_000, 495_000), rng.uniform(5_565_000, 5_725_000)) for _ in range(300)]
    bulk = assign_many(points)
    for (x, y), commune_id in zip(points, bulk, strict=True):
        try:
            expected = assign_point(Point(x, y, srid=25833)).commune.id
        except OutsideSaxony:
            expected = None
        assert commune_id == expected
    assert any(i is None for i in bulk) and any(i is not None for i in bulk)


def test_district_of_result_is_the_communes_version():
    result = assign_point(parse_lon_lat(13.7422, 51.0478))
    assert isinstance(result.district, District)
    assert result.district.pk == result.commune.district_id
