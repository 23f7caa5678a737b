"""Navigation and start page by role (issue 26, item 7).

Each role — admin, caseworker, Bauhof crew, Vollzugsdienst — lands on its own start page, is offered
exactly the staff pages it may use, each offered link answers 200, and every other staff page of the
list below answers 403 (not a redirect, not an empty page, not 404). The expected links are written out
here, not read from ``interfaces/staff/access.py``, so a change of the table there shows up as a failure.
"""

from __future__ import annotations

import re

import pytest

from tests.staff.test_kontrolle import add_enforcer
from tests.staff_world import login

pytestmark = pytest.mark.django_db

# Every staff page a person opens from the header, and the header link it belongs to.
STAFF_PAGES = [
    ("/verwaltung/moderation/", "Moderation"),
    ("/verwaltung/uebergaben/", "Übergaben"),
    ("/verwaltung/arbeitsliste.csv", "Arbeitsliste"),
    ("/verwaltung/sondernutzungen/", "Sondernutzungen"),
    ("/verwaltung/parkausweise/", "Parkausweise"),
    ("/bauhof/", "Meine Aufträge"),
    ("/kontrolle/", "Kontrolle"),
    ("/verwaltung/einstellungen/", "Einstellungen"),
    ("/verwaltung/einstellungen/kategorien/", "Einstellungen"),
    ("/verwaltung/einstellungen/mitglieder/", "Einstellungen"),
    ("/verwaltung/einstellungen/bereiche/", "Einstellungen"),
    ("/verwaltung/einstellungen/beteiligung/", "Einstellungen"),
    ("/verwaltung/einstellungen/datenschutz/", "Einstellungen"),
    ("/verwaltung/einstellungen/api-tokens/", "Einstellungen"),
    ("/verwaltung/datenschutz-anfragen/", "Einstellungen"),
    ("/verwaltung/zwei-faktor/", "Zwei-Faktor-Anmeldung"),
]

# role → (user, start page, the header links in order)
ROLES = {
    "admin": (
        "admin_a",
        "/verwaltung/",
        [
            "Arbeitsliste",
            "Moderation",
            "Übergaben",
            "Sondernutzungen",
            "Parkausweise",
            "Kontrolle",
            "Einstellungen",
            "Zwei-Faktor-Anmeldung",
        ],
    ),
    "caseworker": (
        "caseworker_a",
        "/verwaltung/",
        [
            "Arbeitsliste",
            "Moderation",
            "Übergaben",
            "Sondernutzungen",
            "Parkausweise",
            "Zwei-Faktor-Anmeldung",
        ],
    ),
    "crew": ("crew_a", "/bauhof/", ["Meine Aufträge", "Zwei-Faktor-Anmeldung"]),
    "enforcement": ("vollzug_a", "/kontrolle/", ["Kontrolle", "Zwei-Faktor-Anmeldung"]),
}

NAV = re.compile(r'<nav aria-label="Verwaltung">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def nav_links(html: str) -> list[tuple[str, str]]:
    found = NAV.search(html)
    assert found, "no staff navigation on the page"
    return [(href, label.strip()) for href, label in LINK.findall(found.group(1))]


@pytest.fixture
def signed_in(client, world):
    add_enforcer(world)

    def sign_in(role: str):
        login(client, ROLES[role][0])
        return client

    return sign_in


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_start_page_and_is_offered_only_its_pages(signed_in, role):
    client = signed_in(role)
    _, start, expected = ROLES[role]
    answer = client.get("/verwaltung/", follow=True)
    assert answer.status_code == 200
    assert answer.request["PATH_INFO"] == start
    links = nav_links(answer.content.decode())
    assert [label for _, label in links] == expected
    for href, label in links:
        assert client.get(href).status_code == 200, f"{role}: offered {label} ({href}) does not open"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "section"), STAFF_PAGES)
def test_a_page_is_open_exactly_when_its_section_is_offered(signed_in, role, url, section):
    client = signed_in(role)
    expected = 200 if section in ROLES[role][2] else 403
    answer = client.get(url)
    assert answer.status_code == expected, f"{role} on {url}: {answer.status_code}, expected {expected}"
    if expected == 403:
        assert "Dafür fehlt Ihnen die Berechtigung" in answer.content.decode() or "vorbehalten" in (
            answer.content.decode()
        )


def test_the_current_page_is_marked_in_the_navigation(signed_in):
    html = signed_in("caseworker").get("/verwaltung/sondernutzungen/").content.decode()
    assert '<a href="/verwaltung/sondernutzungen/" aria-current="page">Sondernutzungen</a>' in html


def test_every_staff_route_has_a_rule_in_the_one_table():
    """A new staff page without a row in interfaces/staff/access.py would be open to every member."""
    from django.urls import get_resolver

    from interfaces.staff.access import PAGE_DUTIES

    staff = get_resolver().namespace_dict["staff"][1]
    names = {name for name in staff.reverse_dict if isinstance(name, str)}
    assert names - set(PAGE_DUTIES) == set()
    assert set(PAGE_DUTIES) - names == set()
