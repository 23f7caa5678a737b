"""English category names in English mode (issue 26, "English mode with German categories"): the
catalogue ships an English name for every default category and group, every citizen-facing output that
names a category uses it in English mode (pages, GeoJSON, Open311 ``service_name``, feeds, statistics) and
the German one otherwise — and no cache filled in one language answers a request in the other."""

from __future__ import annotations

import math

import pytest

from domains.reports.catalogue import CATEGORY_NAMES_EN, GROUP_NAMES_EN, GROUPS
from domains.reports.models import Category, CategoryGroup
from tests.factories import DRESDEN, make_report

pytestmark = pytest.mark.django_db


def test_every_default_category_and_group_has_an_english_name():
    assert set(CATEGORY_NAMES_EN) == {item["slug"] for _slug, _name, items in GROUPS for item in items}
    assert set(GROUP_NAMES_EN) == {slug for slug, _name, _items in GROUPS}
    assert not Category.objects.filter(name_en="").exists()
    assert not CategoryGroup.objects.filter(name_en="").exists()
    assert Category.objects.get(slug="schlagloch").name_en == "Pothole"


def test_pages_name_the_category_in_the_chosen_language(client):
    report = make_report(description="Tiefes Loch").report
    german = client.get(f"/meldungen/{report.public_id}/?lang=de").content.decode()
    assert "Schlagloch" in german and "Pothole" not in german
    english = client.get(f"/meldungen/{report.public_id}/?lang=en").content.decode()
    assert "Pothole" in english and "Schlagloch" not in english
    form = client.get("/").content.decode()  # the cookie keeps English
    assert 'label="Roads &amp; pavements"' in form and ">Pothole</option>" in form
    listing = client.get("/meldungen/").content.decode()
    assert "Pothole" in listing and "Schlagloch" not in listing


def test_an_empty_english_name_falls_back_to_the_german_one(client):
    Category.objects.filter(slug="schlagloch").update(name_en="")
    report = make_report(description="Tiefes Loch").report
    assert "Schlagloch" in client.get(f"/meldungen/{report.public_id}/?lang=en").content.decode()
    feature = client.get(f"/api/v1/reports/{report.public_id}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert feature["properties"]["category_name"] == "Schlagloch"


def test_geojson_and_open311_follow_the_language(client):
    report = make_report(description="Tiefes Loch").report
    for lang, name in (("de", "Schlagloch"), ("en", "Pothole"), ("de", "Schlagloch")):
        headers = {"HTTP_ACCEPT_LANGUAGE": lang}
        [feature] = client.get(f"/api/v1/reports/?lang={lang}", **headers).json()["features"]
        assert feature["properties"]["category_name"] == name
        services = client.get(f"/open311/v2/services.json?lang={lang}", **headers).json()
        service = next(s for s in services if s["service_code"] == "schlagloch")
        assert service["service_name"] == name
        [request] = client.get(f"/open311/v2/requests.json?lang={lang}", **headers).json()
        assert (request["service_request_id"], request["service_name"]) == (report.public_id, name)


@pytest.mark.parametrize("first,second", [("de", "en"), ("en", "de")])
def test_cached_statistics_do_not_leak_between_languages(client, first, second):
    make_report(description="Tiefes Loch")
    names = {"de": "Schlagloch", "en": "Pothole"}
    for lang in (first, second, first):
        response = client.get(f"/statistik/?lang={lang}")
        html = response.content.decode()
        assert names[lang] in html, lang
        other = next(v for k, v in names.items() if k != lang)
        assert other not in html, lang
        # shared HTTP caches: the language also comes from the cookie
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary


def test_report_tiles_name_no_category_so_one_cached_tile_serves_both_languages(client):
    """Tiles carry the category slug only (the map's legend names it from the page): no language key."""
    make_report(lonlat=DRESDEN, description="Tiefes Loch")
    z, lon, lat = 16, DRESDEN[0], math.radians(DRESDEN[1])
    x, y = int((lon + 180) / 360 * 2**z), int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * 2**z)
    german = client.get(f"/tiles/reports/{z}/{x}/{y}.pbf?lang=de")
    english = client.get(f"/tiles/reports/{z}/{x}/{y}.pbf?lang=en")
    assert german.status_code == english.status_code == 200
    assert german.content == english.content and b"Schlagloch" not in german.content


def test_the_admin_edits_the_english_name(admin_client):
    category = Category.objects.get(slug="graffiti")
    page = admin_client.get(f"/admin/reports/category/{category.pk}/change/")
    assert page.status_code == 200 and 'name="name_en"' in page.content.decode()
    group = CategoryGroup.objects.get(slug="sauberkeit")
    assert (
        'name="name_en"'
        in admin_client.get(f"/admin/reports/categorygroup/{group.pk}/change/").content.decode()
    )
