"""Deep links for Amt24 and commune websites: /?gemeinde=<AGS> and
/sondernutzung/beantragen/?gemeinde=<AGS>&art=<slug>; LeiKa keys in the page metadata."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env
from config.features import leika_keys
from domains.reports.models import Category, CommuneCategorySetting

pytestmark = pytest.mark.django_db


def config(response) -> dict:
    html = response.content.decode()
    return json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1)
    )


def category_slugs(response) -> set[str]:
    return set(re.findall(r'<option value="([a-z-]+)"', response.content.decode()))


def test_report_form_for_a_commune_is_centred_on_it_with_its_categories(client):
    graffiti = Category.objects.get(slug="graffiti")
    CommuneCategorySetting.objects.create(ags="14612000", category=graffiti, enabled=False)
    response = client.get("/", {"gemeinde": "14612000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Internetseite von Dresden" in html
    assert 'action="/?gemeinde=14612000"' in html
    assert config(response)["highlightAgs"] == "14612000" and config(response)["fitHighlight"] is True
    assert "graffiti" not in category_slugs(response) and "schlagloch" in category_slugs(response)
    assert "graffiti" in category_slugs(client.get("/", {"gemeinde": "14713000"}))  # Leipzig offers it
    assert config(client.get("/"))["fitHighlight"] is False


@pytest.mark.parametrize(
    "value, status, text",
    [
        ("abc", 400, "kein Gemeindeschlüssel"),
        ("14999999", 404, "gibt es nicht"),
        ("1461200", 400, "8 Ziffern"),
    ],
)
def test_a_wrong_commune_key_is_said_and_the_form_stays_usable(client, value, status, text):
    response = client.get("/", {"gemeinde": value})
    assert response.status_code == status
    html = response.content.decode()
    assert text in html and 'id="report-form"' in html


def test_permit_form_for_a_commune_and_kind(client):
    response = client.get("/sondernutzung/beantragen/", {"gemeinde": "14612000", "art": "geruest"})
    assert response.status_code == 200
    assert re.search(r'<option value="geruest"[^>]*selected', response.content.decode())
    assert config(response)["highlightAgs"] == "14612000"
    unknown = client.get("/sondernutzung/beantragen/", {"gemeinde": "14612000", "art": "zirkuszelt"})
    assert unknown.status_code == 404 and "„zirkuszelt“ gibt es nicht" in unknown.content.decode()


def test_each_service_page_names_its_leika_key(client):
    """The defaults are the LeiKa keys of the three services (docs/citizen-pages.md, "LeiKa")."""
    assert '<meta name="leika" content="99108018137003">' in client.get("/").content.decode()
    assert (
        '<meta name="leika" content="99108012005000">'
        in client.get("/sondernutzung/beantragen/").content.decode()
    )
    assert (
        '<meta name="leika" content="99108001001000">'
        in client.get("/parkausweis/beantragen/").content.decode()
    )


def test_leika_keys_come_from_the_environment_and_a_wrong_one_stops_the_start(client, settings):
    keys = leika_keys(Env(environ={"LEIKA_KEY_PERMIT": "99108012005003", "LEIKA_KEY_PARKING": ""}))
    assert keys == {"report": "99108018137003", "permit": "99108012005003", "parking": ""}
    settings.LEIKA_KEYS = keys
    assert 'content="99108012005003"' in client.get("/sondernutzung/beantragen/").content.decode()
    assert '<meta name="leika"' not in client.get("/parkausweis/beantragen/").content.decode()
    for bad in ("9910801200500", "991080120050001", "12108012005000", "99108012005000 x", "99１08012005000"):
        with pytest.raises(ImproperlyConfigured, match="LEIKA_KEY_REPORT ist kein LeiKa-Schlüssel"):
            leika_keys(Env(environ={"LEIKA_KEY_REPORT": bad}))
