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


def _gk4_geopackage(tmp_path, ring) -> bytes:
    """A GeoPackage in Gauß-Krüger zone 4 (EPSG:31468), written by GDAL's ogr2ogr, as a GIS exports it."""
    import json
    import subprocess

    source = tmp_path / "zone.geojson"
    feature = {
        "type": "Feature",
        "properties": {"Name": "Innenstadt"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    target = tmp_path / "zone.gpkg"
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:31468", str(target), str(source)],
        check=True,
        capture_output=True,
    )
    return target.read_bytes()


def test_a_fee_zone_from_a_geopackage_in_gauss_krueger_must_lie_inside_the_commune(
    client, world: World, tmp_path
):
    """Tariff zones come as GeoPackage too (kernel.geo.vector_files, the file's own EPSG code); a zone
    outside Dresden is refused with the m² outside, and nothing is saved."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, "admin_a")
    draft = _draft(client).context["schedule"]
    url = f"{BASE}{draft.pk}/"
    zones_before = draft.zones.count()
    altstadt = [[13.73, 51.05], [13.74, 51.05], [13.74, 51.055], [13.73, 51.055], [13.73, 51.05]]
    upload = SimpleUploadedFile("zone.gpkg", _gk4_geopackage(tmp_path, altstadt))
    saved = client.post(
        url, {"form": "zone", "name": "Altstadt", "factor": "1,5", "geojson_file": upload}, follow=True
    )
    assert "Gebührenzone „Altstadt“ angelegt." in messages_of(saved)
    zone = draft.zones.get(name="Altstadt")
    assert zone.geom.srid == 25833
    assert 385_000 < zone.geom.area < 395_000  # 0.01° × 0.005° at 51° N ≈ 701 m × 556 m
    assert abs(zone.geom.extent[0] - 410981.9) < 1  # the west edge where PROJ puts 13.73° E

    leipzig = [[12.37, 51.33], [12.38, 51.33], [12.38, 51.335], [12.37, 51.335], [12.37, 51.33]]
    upload = SimpleUploadedFile("weit.gpkg", _gk4_geopackage(tmp_path, leipzig))
    refused = client.post(
        url, {"form": "zone", "name": "Leipzig", "factor": "2", "geojson_file": upload}, follow=True
    )
    text = " ".join(messages_of(refused))
    assert "außerhalb des Gebiets von Dresden" in text and "m²" in text and "Gebührenzonen" in text
    assert draft.zones.count() == zones_before + 1
