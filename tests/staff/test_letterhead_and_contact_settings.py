"""The commune admin sets the Bescheid's letterhead (authority, office, address, signatory) and the
public contact on /verwaltung/einstellungen/ — validated, saved and audited (issue 26.9, 26.10)."""

from __future__ import annotations

import pytest

from kernel.organisations.models import AuditEvent
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

LETTERHEAD = {
    "form": "letterhead",
    "letterhead_name": "Landeshauptstadt Dresden",
    "letterhead_office": "Straßen- und Tiefbauamt",
    "letterhead_address": "St. Petersburger Straße 15\r\n01069 Dresden",
    "letterhead_signatory": "Erika Mustermann",
    "letterhead_signatory_role": "Sachbearbeiterin Sondernutzungen",
}
CONTACT = {
    "form": "contact",
    "contact_email": "strassen@dresden.example",
    "contact_phone": "0351 488-0",
    "contact_website": "https://www.dresden.de",
    "contact_address": "Rathaus, Dr.-Külz-Ring 19\r\n01067 Dresden",
    "contact_hours": "Di 9–18 Uhr\r\nDo 9–16 Uhr",
}


def test_the_page_offers_office_and_signatory_fields(client, world: World):
    login(client, "admin_a")
    html = client.get("/verwaltung/einstellungen/").content.decode()
    for name in ("letterhead_office", "letterhead_signatory", "letterhead_signatory_role", "contact_email"):
        assert f'name="{name}"' in html


def test_the_admin_sets_office_and_signatory_and_it_is_audited(client, world: World):
    login(client, "admin_a")
    client.post(f"/verwaltung/einstellungen/?organisation={world.dresden.pk}", LETTERHEAD)
    world.dresden.refresh_from_db()
    assert world.dresden.letterhead_office == "Straßen- und Tiefbauamt"
    assert world.dresden.letterhead_signatory == "Erika Mustermann"
    assert world.dresden.letterhead_signatory_role == "Sachbearbeiterin Sondernutzungen"
    event = AuditEvent.objects.get(action="organisation.letterhead")
    assert "letterhead_office" in event.summary and "letterhead_signatory" in event.summary


def test_the_admin_sets_the_public_contact_and_it_is_audited(client, world: World):
    login(client, "admin_a")
    response = client.post(
        f"/verwaltung/einstellungen/?organisation={world.dresden.pk}", CONTACT, follow=True
    )
    assert "Kontakt gespeichert." in response.content.decode()
    world.dresden.refresh_from_db()
    assert world.dresden.contact_email == "strassen@dresden.example"
    assert world.dresden.contact_hours == "Di 9–18 Uhr\nDo 9–16 Uhr"
    assert AuditEvent.objects.filter(action="organisation.contact", organisation=world.dresden).count() == 1


def test_a_bad_website_is_a_german_message_and_nothing_is_saved(client, world: World):
    login(client, "admin_a")
    response = client.post(
        f"/verwaltung/einstellungen/?organisation={world.dresden.pk}",
        {**CONTACT, "contact_website": "javascript:alert(1)"},
        follow=True,
    )
    assert response.status_code == 200
    assert "https://www.beispiel.de" in response.content.decode()
    world.dresden.refresh_from_db()
    assert world.dresden.contact_email == ""  # all or nothing
    assert not AuditEvent.objects.filter(action="organisation.contact").exists()


def test_a_caseworker_cannot_set_the_contact(client, world: World):
    login(client, "caseworker_a")
    client.post("/verwaltung/einstellungen/", CONTACT)
    world.dresden.refresh_from_db()
    assert world.dresden.contact_email == ""
