"""The fee schedule pages (issue 29.3) without JavaScript: draft → tariff → preview → publish as the
commune's admin; German refusals that change nothing; another commune's admin gets 404."""

from __future__ import annotations

import pytest

from domains.permits.models import FeeSchedule, FeeScheduleState, Tariff
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db
BASE = "/verwaltung/einstellungen/gebuehren/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _draft(client, valid_from="2031-01-01", valid_to=""):
    values = {
        "title": "Satzung 2031",
        "satzung_date": "2030-11-01",
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    return client.post(BASE, values, follow=True)


def test_draft_tariff_preview_publish(client, world: World):
    login(client, "admin_a")
    page = _draft(client)
    assert page.status_code == 200 and "Entwurf „Satzung 2031“ angelegt." in messages_of(page)
    draft = page.context["schedule"]
    assert draft.tariffs.count() == 8  # copied from the demo Satzung in force
    url = f"{BASE}{draft.pk}/"
    saved = client.post(
        url,
        {"form": "tariff", "kind": "container", "rate": "6,40", "minimum_fee": "0", "admin_fee": "10"},
        follow=True,
    )
    assert "Tarif „Container/Mulde“ gespeichert." in messages_of(saved)
    preview = client.get(f"{url}vorschau/", {"kind": "container", "area_m2": "1", "days": "3"})
    assert preview.status_code == 200
    assert str(preview.context["preview"].fee.total) == "29.20"  # 3 × 6,40 + 10,00
    assert "29,20" in preview.content.decode()
    refused = client.post(f"{url}veroeffentlichen/", {}, follow=True)
    assert "Bitte bestätigen" in messages_of(refused)[0]
    published = client.post(f"{url}veroeffentlichen/", {"confirm": "yes"}, follow=True)
    assert "ist veröffentlicht" in messages_of(published)[0]
    draft.refresh_from_db()
    assert draft.state == FeeScheduleState.PUBLISHED
    assert "Tarif eintragen oder ändern" not in published.content.decode()  # no edit forms any more


def test_bad_input_is_a_german_message_and_nothing_is_saved(client, world: World):
    login(client, "admin_a")
    before = FeeSchedule.objects.count()
    page = _draft(client, valid_from="2031-01-01", valid_to="2030-01-01")
    assert "„Gültig bis“ muss nach „Gültig ab“ liegen." in messages_of(page)
    assert FeeSchedule.objects.count() == before
    draft = _draft(client).context["schedule"]
    rates = list(Tariff.objects.filter(schedule=draft).values_list("rate", flat=True))
    page = client.post(
        f"{BASE}{draft.pk}/",
        {"form": "tariff", "kind": "container", "rate": "-1", "minimum_fee": "0", "admin_fee": "0"},
        follow=True,
    )
    assert "Der Satz darf nicht negativ sein." in messages_of(page)
    assert list(Tariff.objects.filter(schedule=draft).values_list("rate", flat=True)) == rates
    bad = client.get(f"{BASE}{draft.pk}/vorschau/", {"kind": "container", "area_m2": "x", "days": "0"})
    assert bad.status_code == 422
    assert "Tage: ganze Zahl von 1 bis 1098." in bad.content.decode()


def test_another_communes_admin_gets_404_and_changes_nothing(client, world: World):
    from kernel.organisations.services import membership_set
    from tests.staff_world import _user, confirmed_second_factor

    login(client, "admin_a")
    draft = _draft(client).context["schedule"]
    _user("admin_b")
    membership_set(actor=None, organisation=world.leipzig, username="admin_b", role="admin")
    confirmed_second_factor("admin_b")
    client.logout()
    login(client, "admin_b")
    url = f"{BASE}{draft.pk}/"
    assert client.get(url).status_code == 404
    assert (
        client.get(f"{url}vorschau/", {"kind": "container", "area_m2": "1", "days": "1"}).status_code == 404
    )
    assert client.post(f"{url}veroeffentlichen/", {"confirm": "yes"}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == FeeScheduleState.DRAFT
    assert "Satzung 2031" not in client.get(BASE).content.decode()


def test_a_caseworker_gets_403(client, world: World):
    login(client, "caseworker_a")
    assert client.get(BASE).status_code == 403
