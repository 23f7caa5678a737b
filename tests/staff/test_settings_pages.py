"""The admins' settings pages: refusals are German messages on the page, and nothing changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interfaces.staff.settings_views import AREA_GEOJSON_MAX_BYTES
from kernel.organisations.invitations import invited_message
from kernel.organisations.models import Membership, ResponsibilityArea
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_area_file_over_the_size_limit_is_refused_and_nothing_stored(client, world: World):
    login(client, "admin_a")
    upload = SimpleUploadedFile("gross.geojson", b" " * (AREA_GEOJSON_MAX_BYTES + 1))
    data = {"name": "Zu groß", "priority": "10", "all_categories": "on", "geojson": upload}
    response = client.post("/verwaltung/einstellungen/bereiche/", data)
    assert response.status_code == 200
    assert "Die GeoJSON-Datei darf höchstens 2 MB groß sein." in messages_of(response)
    assert not ResponsibilityArea.objects.filter(name="Zu groß").exists()


def test_an_unknown_user_name_is_an_invitation_message_not_a_404(client, world: World):
    login(client, "admin_a")
    response = client.post(
        "/verwaltung/einstellungen/mitglieder/", {"username": "niemand", "role": "crew"}, follow=True
    )
    assert response.status_code == 200
    assert invited_message("niemand") in messages_of(response)  # as for a foreign name (issue 25, item 2)
    assert not Membership.objects.filter(user__username="niemand").exists()


@pytest.mark.parametrize("value", ["abc", "FOREIGN"])
def test_ending_an_unknown_or_foreign_membership_is_a_message(client, world: World, value):
    foreign = Membership.objects.get(organisation=world.leipzig, user__username="caseworker_b")
    login(client, "admin_a")
    value = str(foreign.pk) if value == "FOREIGN" else value
    response = client.post("/verwaltung/einstellungen/mitglieder/", {"end": value}, follow=True)
    assert response.status_code == 200
    assert "Unbekannte Mitgliedschaft." in messages_of(response)
    foreign.refresh_from_db()
    assert foreign.active


def test_ending_an_own_membership_still_works(client, world: World):
    own = Membership.objects.get(organisation=world.dresden, user__username="crew_a2")
    login(client, "admin_a")
    response = client.post("/verwaltung/einstellungen/mitglieder/", {"end": str(own.pk)}, follow=True)
    assert "Mitgliedschaft beendet." in messages_of(response)
    own.refresh_from_db()
    assert not own.active
