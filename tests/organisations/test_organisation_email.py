"""An organisation's admin sets its general address on the settings page; new reports are mailed there
when no category recipient is set (the only recipient of districts and other bodies)."""

from __future__ import annotations

import pytest

from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.factories import DRESDEN, make_report
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

SETTINGS = "/verwaltung/einstellungen/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_admin_sets_the_address_and_new_reports_are_mailed_there(client, world: World):
    login(client, "admin_a")
    response = client.post(
        f"{SETTINGS}?organisation={world.dresden.pk}", {"email": "bauhof@dresden.example"}, follow=True
    )
    assert "E-Mail-Adresse gespeichert." in messages_of(response)
    world.dresden.refresh_from_db()
    assert world.dresden.email == "bauhof@dresden.example"
    assert AuditEvent.objects.filter(action="organisation.email", organisation=world.dresden).exists()

    report = make_report(lonlat=DRESDEN).report
    assert OutgoingMail.objects.filter(
        to="bauhof@dresden.example", kind="report.new", object_id=report.public_id
    ).exists()


def test_an_invalid_address_is_refused_and_nothing_changes(client, world: World):
    before = world.dresden.email
    login(client, "admin_a")
    for bad in ("kein-at-zeichen", "a@" + "b" * 260 + ".de"):
        response = client.post(f"{SETTINGS}?organisation={world.dresden.pk}", {"email": bad}, follow=True)
        assert any("gültige E-Mail-Adresse" in m for m in messages_of(response))
    world.dresden.refresh_from_db()
    assert world.dresden.email == before


@pytest.mark.parametrize("who", ["caseworker_a", "crew_a", "caseworker_b"])
def test_only_admins_may_change_it(client, world: World, who):
    before = world.dresden.email
    login(client, who)
    response = client.post(f"{SETTINGS}?organisation={world.dresden.pk}", {"email": "x@example.org"})
    assert response.status_code == 403
    world.dresden.refresh_from_db()
    assert world.dresden.email == before
