"""Choosing a commune, district or postcode in „Adresse oder Ort suchen“ without JavaScript (issue 26.2):
the page shows the area but fills in no coordinates and asks for the exact spot, says plainly when no
house addresses are loaded there, and names a kreisfreie Stadt as such."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.addresses.files import dresden_hkde
from tests.web.test_place_search import FORMS, PARKING, REPORT, candidates, field_value, status_line

pytestmark = pytest.mark.django_db


def follow(client, url: str, query: str, label: str) -> str:
    listed = {c[0]: c[2] for c in candidates(client.get(url, {"adresse": query}).content.decode())}
    response = client.get(listed[label])
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", [REPORT, PARKING])
def test_a_commune_without_addresses_asks_for_the_exact_spot_and_fills_nothing(client, url):
    html = follow(client, url, "Dresden", "Dresden")
    assert field_value(html, "lat") in (None, "") and field_value(html, "lon") in (None, "")
    line = status_line(html)
    assert "Bitte geben Sie den genauen Ort an" in line
    assert "Für Dresden sind keine Hausadressen hinterlegt" in line
    assert 'data-lat="' in html  # the map (with JavaScript) is centred on the commune


def test_with_addresses_the_page_does_not_claim_there_are_none(client, tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)
    line = status_line(follow(client, REPORT, "Dresden", "Dresden"))
    assert "Bitte geben Sie den genauen Ort an" in line and "keine Hausadressen" not in line


def test_kinds_name_a_kreisfreie_stadt_and_the_landkreis_apart(client):
    listed = [c[:2] for c in candidates(client.get(REPORT, {"adresse": "Leipzig"}).content.decode())]
    assert ("Leipzig", "kreisfreie Stadt") in listed and ("Leipzig", "Landkreis") in listed
    assert listed.count(("Leipzig", "kreisfreie Stadt")) == 1 and ("Leipzig", "Gemeinde") not in listed


def test_a_postcode_is_listed_as_an_area(client, tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)
    listed = [c[:2] for c in candidates(client.get(REPORT, {"adresse": "01069"}).content.decode())]
    assert listed[0] == ("01069 Dresden", "Postleitzahl")
    html = follow(client, REPORT, "01069", "01069 Dresden")
    assert field_value(html, "lat") in (None, "") and "Bitte geben Sie den genauen Ort an" in status_line(
        html
    )


@pytest.mark.parametrize("url", FORMS)
def test_a_district_link_fills_nothing_either(client, url):
    html = follow(client, url, "Bautzen", "Bautzen")  # the commune comes first; both are areas
    assert field_value(html, "lat") in (None, "")


def test_a_postcode_without_addresses_says_why_nothing_is_found(client):
    html = client.get(REPORT, {"adresse": "01069"}).content.decode()
    assert candidates(html) == []
    assert "Postleitzahlen findet die Suche nur, wo Hausadressen hinterlegt sind" in status_line(html)
