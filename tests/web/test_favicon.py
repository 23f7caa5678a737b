"""The site's icon: linked from every citizen page, and /favicon.ico (asked for by browsers regardless)
answers with it instead of a 404."""

from __future__ import annotations

import urllib.request

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_link_the_icon_in_svg_and_ico(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg") and finders.find("favicon.ico")


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.browser
def test_favicon_ico_answers_200_with_the_icon_on_the_server(site):
    with urllib.request.urlopen(site + "/favicon.ico", timeout=10) as response:  # follows the redirect
        assert response.status == 200
        assert response.url.endswith("/static/favicon.ico")
        assert response.read(4) == b"\x00\x00\x01\x00"
