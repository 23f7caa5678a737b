"""The page /verwaltung/einstellungen/antragsarten/ (issue 29.3): a commune's admin switches platform
kinds on and off, sets the commune's own Regelauflagen and adds its own kinds — each change audited,
a refusal a German message with nothing stored, another commune's admin changes only their own."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from domains.permits.kinds import kinds_available_in, standard_conditions_for
from domains.permits.models import PermitKind, PermitKindSetting
from kernel.organisations.models import AuditEvent
from kernel.organisations.services import membership_set
from tests.staff_world import World, confirmed_second_factor, login

pytestmark = pytest.mark.django_db
URL = "/verwaltung/einstellungen/antragsarten/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _slugs(place) -> list[str]:
    return [k.slug for k in kinds_available_in(place)]


def test_the_page_lists_the_platform_kinds_with_their_default_conditions(client, world: World):
    login(client, "admin_a")
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Antragsarten: Dresden" in html and "Container/Mulde" in html
    assert "Leer lassen, dann gelten die Regelauflagen der Plattform" in html
    assert "?gemeinde=14612000" in html


def test_switching_a_kind_off_and_own_conditions_are_saved_and_audited(client, world: World):
    login(client, "admin_a")
    off = client.post(URL, {"form": "setting", "kind": "container", "standard_conditions": ""}, follow=True)
    assert "„Container/Mulde“ gespeichert: abgeschaltet." in messages_of(off)
    assert "container" not in _slugs(world.dresden)
    client.post(
        URL,
        {
            "form": "setting",
            "kind": "geruest",
            "enabled": "on",
            "standard_conditions": "  Gehweg 1,50 m frei.  ",
        },
    )
    geruest = PermitKind.objects.get(slug="geruest")
    assert standard_conditions_for(geruest, world.dresden) == "Gehweg 1,50 m frei."
    events = AuditEvent.objects.filter(action="permit_kind.setting", organisation=world.dresden)
    assert events.count() == 2
    assert {e.actor.username for e in events} == {"admin_a"}


def test_an_own_kind_is_added_changed_and_switched_off(client, world: World):
    login(client, "admin_a")
    new = {
        "form": "new",
        "name": "Weihnachtsbaumverkauf",
        "description": "Stand im Advent",
        "unit": "m2_day",
        "occupies_carriageway": "on",
        "standard_conditions": "Nur bis 24. Dezember.",
    }
    response = client.post(URL, new, follow=True)
    assert "Eigene Art „Weihnachtsbaumverkauf“ angelegt." in messages_of(response)
    kind = PermitKind.objects.get(organisation=world.dresden)
    assert kind.occupies_carriageway and kind.standard_conditions == "Nur bis 24. Dezember."
    assert kind.slug in _slugs(world.dresden) and kind.slug not in _slugs(world.leipzig)
    change = {**new, "form": "own", "kind_id": kind.pk, "name": "Christbaumverkauf", "active": ""}
    response = client.post(URL, change, follow=True)
    assert "„Christbaumverkauf“ gespeichert." in messages_of(response)
    kind.refresh_from_db()
    assert kind.name == "Christbaumverkauf" and not kind.active
    assert kind.slug not in _slugs(world.dresden)
    assert list(
        AuditEvent.objects.filter(object_id=str(kind.pk), object_type="permitkind")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["permit_kind.create", "permit_kind.change"]


def test_a_wrong_new_kind_comes_back_with_its_values_and_the_message_and_stores_nothing(client, world: World):
    login(client, "admin_a")
    response = client.post(
        URL,
        {
            "form": "new",
            "name": "Gerüst/Baustelleneinrichtung",
            "description": "Zweites Gerüst",
            "unit": "m2_day",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Eine Art „Gerüst/Baustelleneinrichtung“ gibt es in Ihrer Gemeinde schon" in html
    assert 'aria-invalid="true"' in html and "Zweites Gerüst" in html
    assert not PermitKind.objects.filter(organisation=world.dresden).exists()
    assert not AuditEvent.objects.filter(action__startswith="permit_kind").exists()


def test_a_too_long_text_is_refused_and_the_setting_stays(client, world: World):
    login(client, "admin_a")
    response = client.post(
        URL, {"form": "setting", "kind": "container", "standard_conditions": "x" * 4001}, follow=True
    )
    assert "Die Regelauflagen dürfen höchstens 4.000 Zeichen lang sein." in messages_of(response)
    assert not PermitKindSetting.objects.exists()


def test_unknown_kinds_are_a_message(client, world: World):
    login(client, "admin_a")
    response = client.post(URL, {"form": "setting", "kind": "zirkus"}, follow=True)
    assert "Unbekannte Art der Sondernutzung." in messages_of(response)
    response = client.post(URL, {"form": "own", "kind_id": "abc", "name": "x"}, follow=True)
    assert "Unbekannte eigene Art." in messages_of(response)
    assert not PermitKindSetting.objects.exists()


def test_another_communes_admin_changes_their_own_commune_only(client, world: World):
    get_user_model().objects.create_user(username="admin_leipzig")
    membership_set(actor=None, organisation=world.leipzig, username="admin_leipzig", role="admin")
    confirmed_second_factor("admin_leipzig")
    login(client, "admin_leipzig")
    own_kind = client.post(
        URL, {"organisation": world.dresden.pk, "form": "new", "name": "Markt", "unit": "m2_day"}
    )
    assert own_kind.status_code == 302
    client.post(URL, {"organisation": world.dresden.pk, "form": "setting", "kind": "container"})
    # Asking for Dresden gives Leipzig's own page: the changes landed in Leipzig, never in Dresden.
    assert "container" in _slugs(world.dresden) and "container" not in _slugs(world.leipzig)
    assert PermitKind.objects.get(name="Markt").organisation == world.leipzig
    assert "Antragsarten: Leipzig" in client.get(URL, {"organisation": world.dresden.pk}).content.decode()


def test_a_caseworker_gets_403(client, world: World):
    login(client, "caseworker_a")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"form": "setting", "kind": "container"}).status_code == 403
    assert "container" in _slugs(world.dresden)
