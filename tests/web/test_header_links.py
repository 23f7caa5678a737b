"""The public header offers what the footer used to hide (issue 26, item 8): Sondernutzung, Parkausweis
and Statistik next to "Mangel melden" and "Meldungen"; a commune page offers "Mangel in <Gemeinde> melden",
which opens the form centred on that commune (``/?gemeinde=<AGS>``)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

HEADER_NAV = re.compile(r'<nav class="site-nav"[^>]*>(.*?)</nav>', re.S)


def header_links(html: str) -> dict[str, str]:
    nav = HEADER_NAV.search(html).group(1)
    return {label.strip(): href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", {"Mangel melden": "/", "Meldungen": "/meldungen/", "Sondernutzung": "/sondernutzung/beantragen/",
                "Parkausweis": "/parkausweis/beantragen/", "Statistik": "/statistik/"}),
        ("en", {"Report a problem": "/", "Special use": "/sondernutzung/beantragen/",
                "Parking permit": "/parkausweis/beantragen/", "Statistics": "/statistik/"}),
    ],
)  # fmt: skip
def test_the_header_offers_permits_parking_and_statistics(client, lang, expected):
    links = header_links(client.get(f"/meldungen/?lang={lang}").content.decode())
    for label, href in expected.items():
        assert links.get(label, "").split("?")[0] == href, (label, links)


def test_the_current_section_is_marked(client):
    html = client.get("/sondernutzung/beantragen/?lang=de").content.decode()
    assert '<a href="/sondernutzung/beantragen/" aria-current="page">Sondernutzung</a>' in HEADER_NAV.search(
        html
    ).group(1)


def test_a_commune_page_offers_to_report_there(client):
    html = client.get("/gemeinden/14612000/?lang=de").content.decode()
    link = re.search(r'<a class="button[^"]*" href="([^"]+)">Mangel in Dresden melden</a>', html)
    assert link, "no 'Mangel in Dresden melden' on the commune page"
    assert link.group(1) == "/?gemeinde=14612000"
    assert client.get(link.group(1)).status_code == 200
