"""„Adresse oder Ort suchen“ on the report, permit and parking forms without JavaScript: a GET lists the
places as links; a link comes back with the place set (coordinates filled in, responsible commune named)."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from domains.reports.models import Report
from tests.addresses.files import dresden_hkde

pytestmark = pytest.mark.django_db

REPORT, PERMIT, PARKING = "/", "/sondernutzung/beantragen/", "/parkausweis/beantragen/"
FORMS = [REPORT, PERMIT, PARKING]
HOUSE = "Prager Straße 12, 01069 Dresden"


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)


def candidates(html: str) -> list[tuple[str, str, str]]:
    """(label, kind, href) of each listed place."""
    block = re.search(r'<ul class="place-search__results".*?</ul>', html, re.S)
    if block is None:
        return []
    found = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="place-search__kind">\(([^)]+)\)</span></li>',
        block[0],
    )
    return [(htmllib.unescape(label), kind, htmllib.unescape(href)) for href, label, kind in found]


def status_line(html: str) -> str:
    return htmllib.unescape(re.search(r'<p id="place-search-status"[^>]*>(.*?)</p>', html, re.S)[1]).strip()


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input type="text" name="{name}"[^>]*?value="([^"]*)"', html)
    # the page writes coordinates with a decimal comma, as the hint shows them (issue 26)
    return htmllib.unescape(match[1]).replace(",", ".") if match else None


@pytest.mark.parametrize("url", FORMS)
def test_every_form_has_the_search_field_in_a_get_form_of_its_own(client, url):
    html = client.get(url).content.decode()
    assert '<label id="place-search-label" for="place-search-input">Adresse oder Ort suchen</label>' in html
    assert '<form id="place-search-form" method="get" action="#place-search"></form>' in html
    field = re.search(r'<input type="text" id="place-search-input"[^>]*>', html)[0]
    assert 'name="adresse"' in field and 'form="place-search-form"' in field
    assert '<button type="submit" form="place-search-form"' in html
    # the empty GET form stands outside the page's POST form (forms cannot be nested)
    assert html.index('id="place-search-form"') < html.index('method="post"')
    assert candidates(html) == []


@pytest.mark.parametrize("url", FORMS)
def test_search_lists_addresses_as_links_that_carry_the_place(client, dresden, url):
    response = client.get(url, {"adresse": "prager str 12 dresden"})
    html = response.content.decode()
    assert response.status_code == 200
    listed = candidates(html)
    assert listed[0][:2] == (HOUSE, "Adresse")
    assert re.match(r"\d+ Treffer\. Bitte wählen Sie einen Ort:", status_line(html))
    link = urlsplit(listed[0][2])
    params = parse_qs(link.query)
    assert (link.path, link.fragment) == (url, "place-search")
    assert params["adresse"] == [HOUSE]
    assert abs(float(params["lat"][0]) - 51.0456) < 1e-4 and abs(float(params["lon"][0]) - 13.7363) < 1e-4
    assert field_value(html, "adresse") is None  # the search field is no text input named like that …
    assert 'value="prager str 12 dresden"' in html  # … but keeps what was typed


def test_search_lists_streets_and_communes_with_their_kind(client, dresden):
    streets = candidates(client.get(REPORT, {"adresse": "Prager Strasse"}).content.decode())
    assert ("Prager Straße, 01069 Dresden", "Straße") in [c[:2] for c in streets]
    places = [c[:2] for c in candidates(client.get(REPORT, {"adresse": "Goerlitz"}).content.decode())]
    assert ("Görlitz", "Gemeinde") in places and ("Görlitz", "Landkreis") in places


def _follow_first(client, url: str, query: str) -> str:
    listed = candidates(client.get(url, {"adresse": query}).content.decode())
    response = client.get(listed[0][2])
    assert response.status_code == 200
    return response.content.decode()


def test_report_link_fills_the_coordinates_and_names_the_commune(client, dresden):
    html = _follow_first(client, REPORT, "Prager Straße 12")
    lat, lon = field_value(html, "lat"), field_value(html, "lon")
    assert abs(float(lat) - 51.0456) < 1e-4 and abs(float(lon) - 13.7363) < 1e-4
    assert re.search(r'<p id="responsible"[^>]*>Zuständig: Dresden</p>', html)
    assert status_line(html) == "Ort übernommen: Breitengrad und Längengrad sind ausgefüllt."
    assert f'value="{HOUSE}"' in html
    assert candidates(html) == []

    # the report sent from that page lies at the house
    client.post(
        REPORT, {"lat": lat, "lon": lon, "category": "schlagloch", "description": "Loch vor dem Haus"}
    )
    report = Report.objects.get()
    assert report.commune.ags == "14612000" and report.nearest_address == HOUSE


def test_parking_link_sets_the_residence(client, dresden):
    html = _follow_first(client, PARKING, "Prager Straße 12")
    assert abs(float(field_value(html, "lat")) - 51.0456) < 1e-4
    assert abs(float(field_value(html, "lon")) - 13.7363) < 1e-4
    assert (
        status_line(html) == "Ort übernommen: Breitengrad und Längengrad sind ausgefüllt. Zuständig: Dresden"
    )


def test_permit_link_centres_the_map_and_names_place_and_commune(client, dresden):
    html = _follow_first(client, PERMIT, "Prager Straße 12")
    box = re.search(r'<div id="place-search"[^>]*>', html)[0]
    lat = float(re.search(r'data-lat="([\d.]+)"', box)[1])
    lon = float(re.search(r'data-lon="([\d.]+)"', box)[1])
    assert abs(lat - 51.0456) < 1e-4 and abs(lon - 13.7363) < 1e-4
    line = status_line(html)
    assert line.startswith(f"Ort übernommen (Breitengrad {lat:.6f}, Längengrad {lon:.6f}).")
    assert line.endswith("Zeichnen Sie dort die genutzte Fläche ein. Zuständig: Dresden")


@pytest.mark.parametrize("url", FORMS)
def test_no_match_says_so_in_german(client, dresden, url):
    html = client.get(url, {"adresse": "Xqzvwyq Weg 99"}).content.decode()
    assert candidates(html) == []
    assert status_line(html).startswith("Zu „Xqzvwyq Weg 99“ wurde kein Ort gefunden.")
    assert "place-search__status--problem" in html


@pytest.mark.parametrize("url", FORMS)
@pytest.mark.parametrize("query", ["ab", "  a ", ""])
def test_fewer_than_three_characters_ask_for_more(client, url, query):
    html = client.get(url, {"adresse": query}).content.decode()
    assert status_line(html) == "Bitte geben Sie mindestens 3 Zeichen ein."
    assert candidates(html) == []


def test_overlong_text_is_refused_not_searched(client):
    html = client.get(REPORT, {"adresse": "Prager Straße " * 20}).content.decode()
    assert status_line(html) == "Bitte geben Sie höchstens 200 Zeichen ein."


@pytest.mark.parametrize("url", [REPORT, PARKING])
def test_a_place_outside_saxony_is_named_and_not_filled_in(client, url):
    response = client.get(url, {"adresse": "Marienplatz", "lat": "48.137", "lon": "11.575"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "außerhalb Sachsens" in status_line(html)
    assert field_value(html, "lat") == "" or field_value(html, "lat") is None
    assert "Zuständig:" not in html


@pytest.mark.parametrize(
    "lat,message", [("abc", "Breitengrad muss eine Zahl sein"), ("95", "zwischen -90 und 90")]
)
def test_broken_coordinates_in_the_link_give_a_message_not_a_500(client, lat, message):
    response = client.get(REPORT, {"lat": lat, "lon": "13.7"})
    assert response.status_code == 200
    assert message in status_line(response.content.decode())


def test_searches_are_throttled_with_a_german_message(client, dresden, monkeypatch):
    from shared.http.throttling import AddressSearchThrottle

    monkeypatch.setattr(AddressSearchThrottle, "THROTTLE_RATES", {"address_search": "1/hour"})
    assert candidates(client.get(REPORT, {"adresse": "Prager Straße 12"}).content.decode())
    second = client.get(REPORT, {"adresse": "Prager Straße 12"}).content.decode()
    assert candidates(second) == []
    assert "sehr viele Suchen" in status_line(second)


def test_english_page_lists_the_same_places_in_english_words(client, dresden):
    html = client.get(REPORT, {"adresse": "Prager Straße 12", "lang": "en"}).content.decode()
    assert "Search for an address or place" in html
    assert candidates(html)[0][:2] == (HOUSE, "Address")
