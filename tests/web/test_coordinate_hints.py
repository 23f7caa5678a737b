"""Coordinate fields without JavaScript (issue 26, "smaller" list): the hint under Breitengrad/Längengrad
names no map (there is none without JavaScript), shows an example in the German way, says that comma and
point both work — and a value the page fills in (a place chosen by the search) is shown the same way."""

from __future__ import annotations

import re

import pytest

from domains.permits.models import ParkingPermit
from domains.reports.models import Report

pytestmark = pytest.mark.django_db

FORMS = ["/", "/parkausweis/beantragen/"]


def _help(html: str, name: str) -> str:
    return re.search(rf'<p class="help" id="id_{name}_helptext">(.*?)</p>', html, re.S)[1]


def _value(html: str, name: str) -> str:
    return re.search(rf'<input type="text" name="{name}"[^>]*?value="([^"]*)"', html)[1]


@pytest.mark.parametrize("url", FORMS)
def test_the_coordinate_hints_name_no_map_and_show_a_decimal_comma(client, url):
    html = client.get(url).content.decode()
    for name in ("lat", "lon"):
        hint = _help(html, name)
        assert "Karte" not in hint, hint
        assert re.search(r"z\. B\. 5?1\d?,\d{4}", hint), hint
    assert "Komma oder Punkt" in _help(html, "lat")


@pytest.mark.parametrize("url", FORMS)
def test_a_place_from_the_search_comes_back_the_way_the_hint_shows_it(client, url):
    html = client.get(
        url, {"adresse": "Prager Straße 12", "lat": "51.0456", "lon": "13.7363"}
    ).content.decode()
    assert _value(html, "lat") == "51,045600" and _value(html, "lon") == "13,736300"


def test_comma_and_point_are_both_accepted(client):
    report = {"category": "schlagloch", "description": "Loch in der Fahrbahn"}
    assert client.post("/", {**report, "lat": "51,0504", "lon": "13,7373"}).status_code == 302
    assert client.post("/", {**report, "lat": "51.0504", "lon": "13.7373"}).status_code == 302
    assert Report.objects.count() == 2
    parking = {"licence_plate": "DD-XY 42", "name": "Rita Rad", "email": "r@example.org", "address": "A 1"}
    assert (
        client.post("/parkausweis/beantragen/", {**parking, "lat": "51.067", "lon": "13.755"}).status_code
        == 302
    )
    assert ParkingPermit.objects.count() == 1
