"""The Impressum (§ 5 DDG, issue 26.9): an operator-configured page linked in every footer, its absence
a deployment warning, and each commune's contact on its pages."""

from __future__ import annotations

import pytest
from django.core import checks

from kernel.organisations.models import PlatformOperator
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

IMPRESSUM_LINK = 'href="/impressum/"'


@pytest.fixture
def operator():
    return PlatformOperator.objects.create(
        name="Kommunales Rechenzentrum Sachsen",
        address="Musterstraße 1\n01067 Dresden",
        represented_by="Geschäftsführerin Dr. Anna Beispiel",
        email="impressum@krz.example",
        phone="0351 123456",
        vat_id="DE123456789",
        content_responsible="Dr. Anna Beispiel, Musterstraße 1, 01067 Dresden",
    )


def test_the_impressum_shows_the_operator_from_the_admin(client, operator):
    html = client.get("/impressum/").content.decode()
    for text in (
        "Kommunales Rechenzentrum Sachsen",
        "Musterstraße 1",
        "Geschäftsführerin Dr. Anna Beispiel",
        "impressum@krz.example",
        "DE123456789",
        "§ 18 Abs. 2 MStV",
    ):
        assert text in html


def test_the_impressum_follows_the_active_language(client, operator):
    html = client.get("/impressum/?lang=en").content.decode()
    assert "Legal notice" in html and "Kommunales Rechenzentrum Sachsen" in html


def test_a_second_operator_row_edits_the_first(operator):
    PlatformOperator(name="Anderer Betreiber", address="Weg 2", email="a@b.example").save()
    assert list(PlatformOperator.objects.values_list("name", flat=True)) == ["Anderer Betreiber"]


def test_without_an_operator_the_page_says_so_and_the_deploy_check_warns(client, settings):
    settings.PLATFORM_OPERATOR_NAME = ""
    response = client.get("/impressum/")
    assert response.status_code == 200
    assert "noch nicht eingetragen" in response.content.decode()
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, databases=["default"])]
    assert "organisations.W001" in ids
    PlatformOperator.objects.create(name="KRZ", address="Weg 1", email="i@krz.example")
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, databases=["default"])]
    assert "organisations.W001" not in ids


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/"),
        (None, "/meldungen/"),
        (None, "/gemeinden/14612000/"),
        (None, "/datenschutz/"),
        (None, "/impressum/"),
        (None, "/einbetten/14612000/"),
        (None, "/anmelden/"),
        ("caseworker_a", "/verwaltung/"),
        ("admin_a", "/verwaltung/einstellungen/"),
        ("crew_a", "/bauhof/"),
    ],
)
def test_every_page_type_links_the_impressum_in_its_footer(client, world: World, who, path):
    if who:
        login(client, who)
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    assert IMPRESSUM_LINK in response.content.decode(), path


@pytest.mark.parametrize("template", ["400.html", "500.html", "503.html", "403_csrf.html"])
def test_the_static_error_pages_link_the_impressum(template):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "templates" / template).read_text()
    assert "/impressum/" in text, template


def test_the_commune_page_and_its_footer_show_the_communes_contact(client, world: World):
    world.dresden.contact_email = "strassen@dresden.example"
    world.dresden.contact_phone = "0351 488-0"
    world.dresden.contact_website = "https://www.dresden.de"
    world.dresden.contact_hours = "Di 9–18 Uhr"
    world.dresden.letterhead_address = "Dr.-Külz-Ring 19\n01067 Dresden"
    world.dresden.save()
    html = client.get("/gemeinden/14612000/").content.decode()
    main, footer = html.split("<footer", 1)
    assert "strassen@dresden.example" in main and "Di 9–18 Uhr" in main and "Dr.-Külz-Ring 19" in main
    assert 'href="mailto:strassen@dresden.example"' in footer and 'href="tel:0351488-0"' in footer
    other = client.get("/gemeinden/14713000/").content.decode()
    assert "strassen@dresden.example" not in other
    report = client.get(f"/meldungen/{world.own.public_id}/").content.decode()
    assert 'href="mailto:strassen@dresden.example"' in report.split("<footer", 1)[1]
