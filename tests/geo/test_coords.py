"""Coordinate parsing: German messages naming the field, no NaN/inf, swapped lat/lon hints."""

from __future__ import annotations

import pytest

from kernel.geo.coords import CoordinateError, looks_swapped, parse_lon_lat, to_api, to_storage
from kernel.geo.srid import API_SRID, STORAGE_SRID


def test_numbers_and_strings_give_a_wgs84_point():
    point = parse_lon_lat("13.7373", 51.0504)
    assert (point.x, point.y, point.srid) == (13.7373, 51.0504, API_SRID)


def test_decimal_comma_is_accepted():
    point = parse_lon_lat("13,7373", " 51,0504 ")
    assert (point.x, point.y) == (13.7373, 51.0504)


@pytest.mark.parametrize(
    ("lon", "lat", "field", "fragment"),
    [
        (None, 51.0, "lon", "Längengrad fehlt"),
        ("13.7", "", "lat", "Breitengrad fehlt"),
        ("abc", 51.0, "lon", "muss eine Zahl sein"),
        (13.7, "nan", "lat", "endliche Zahl"),
        ("inf", 51.0, "lon", "endliche Zahl"),
        ("1e400", 51.0, "lon", "endliche Zahl"),
        (True, 51.0, "lon", "muss eine Zahl sein"),
        ([13.7], 51.0, "lon", "muss eine Zahl sein"),
        (13.7, 91, "lat", "zwischen -90 und 90"),
        (181, 51.0, "lon", "zwischen -180 und 180"),
        ("13.7.1", 51.0, "lon", "muss eine Zahl sein"),
        ("1,2,3", 51.0, "lon", "muss eine Zahl sein"),
    ],
)
def test_bad_values_name_the_field(lon, lat, field, fragment):
    with pytest.raises(CoordinateError) as info:
        parse_lon_lat(lon, lat)
    assert info.value.field == field
    assert fragment in info.value.errors[field][0]


def test_field_names_follow_the_interface():
    with pytest.raises(CoordinateError) as info:
        parse_lon_lat(13.7, "x", lon_field="long", lat_field="lat")
    assert info.value.field == "lat"
    with pytest.raises(CoordinateError) as info:
        parse_lon_lat("x", 51, lon_field="long")
    assert info.value.field == "long"


def test_latitude_out_of_range_hints_at_swapped_order():
    with pytest.raises(CoordinateError) as info:
        parse_lon_lat(51.05, 113.7)
    assert "vertauscht" in info.value.message


def test_swapped_saxon_coordinates_are_recognised():
    assert looks_swapped(51.05, 13.74)  # Dresden with lat/lon swapped
    assert not looks_swapped(13.74, 51.05)
    assert not looks_swapped(2.35, 48.85)  # Paris is simply elsewhere


def test_round_trip_between_wgs84_and_utm33():
    point = parse_lon_lat(13.7373, 51.0504)
    utm = to_storage(point)
    assert utm.srid == STORAGE_SRID
    # Dresden's Altmarkt is about 411 km east, 5,656 km north in UTM 33N.
    assert 410_000 < utm.x < 413_000
    assert 5_655_000 < utm.y < 5_658_000
    back = to_api(utm)
    assert back.srid == API_SRID
    assert abs(back.x - 13.7373) < 1e-7 and abs(back.y - 51.0504) < 1e-7
    assert point.srid == API_SRID  # input untouched


def test_geometry_without_srid_is_refused():
    from django.contrib.gis.geos import Point

    with pytest.raises(ValueError):
        to_storage(Point(1, 2))
