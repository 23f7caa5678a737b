"""The report page's "Kategorie ändern" and "Ort korrigieren" without JavaScript: plain forms, German
messages flashed on the page they return to, nothing half-saved; a hand-over sends the caseworker to the
queue, since the report page is a 404 for them afterwards."""

from __future__ import annotations

import pytest

from tests.factories import LEIPZIG
from tests.reports.test_correcting import full_state
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db


def page(client, report) -> str:
    return client.get(f"/verwaltung/meldungen/{report.public_id}/").content.decode()


def test_the_page_offers_both_forms_to_caseworkers_only(client, world: World):
    login(client, "caseworker_a")
    html = page(client, world.own)
    assert "Kategorie ändern" in html and "Ort korrigieren" in html
    assert 'name="lat" value="51.0504"' in html and 'data-pick-form="location-form"' in html
    assert '<option value="schlagloch"' not in html.split("id_cc_category", 1)[1].split("</select>", 1)[0]
    login(client, "crew_a")
    html = page(client, world.own)
    assert "Ort korrigieren" not in html and "data-pick-form" not in html


def test_category_change_by_form(client, world: World):
    login(client, "caseworker_a")
    response = client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/kategorie/",
        {"category": "strassenlaterne", "reason": "Foto zeigt Laterne"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/verwaltung/meldungen/{world.own.public_id}/"
    html = response.content.decode()
    assert (
        "Kategorie geändert." in html and "Kategorie berichtigt: Schlagloch → Straßenlaterne defekt." in html
    )
    assert "Intern: Foto zeigt Laterne" in html


def test_unfit_answer_tells_how_to_drop_it(client, world: World):
    from domains.reports.models import Category, CategoryAttribute, Report

    CategoryAttribute.objects.create(
        category=Category.objects.get(slug="gehweg"),
        code="size",
        datatype="singlevaluelist",
        description="Wie groß ist der Schaden?",
        values=[{"key": "small", "name": "klein"}],
    )
    Report.objects.filter(pk=world.own.pk).update(attributes={"size": "large"})
    before = full_state(world.own)
    login(client, "caseworker_a")
    url = f"/verwaltung/meldungen/{world.own.public_id}/kategorie/"
    html = client.post(url, {"category": "gehweg"}, follow=True).content.decode()
    assert "„large“ ist keine der möglichen Antworten" in html and "entfernen“, um diese Angaben" in html
    assert full_state(world.own) == before
    html = client.post(url, {"category": "gehweg", "drop_unfit": "on"}, follow=True).content.decode()
    assert "Kategorie geändert." in html and "Nicht mehr passende Zusatzangaben entfernt: size" in html


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"lat": "52.52", "lon": "13.40"}, "Der Ort liegt außerhalb Sachsens."),
        ({"lat": "51,05", "lon": "dreizehn"}, "Längengrad muss eine Zahl sein"),
        ({"lat": "", "lon": ""}, "Bitte geben Sie den Ort an"),
    ],
)
def test_bad_place_is_a_german_message_and_changes_nothing(client, world: World, data, text):
    before = full_state(world.own)
    login(client, "caseworker_a")
    response = client.post(f"/verwaltung/meldungen/{world.own.public_id}/ort/", data, follow=True)
    assert response.status_code == 200 and text in response.content.decode()
    assert full_state(world.own) == before


def test_unknown_category_by_form(client, world: World):
    before = full_state(world.own)
    login(client, "caseworker_a")
    response = client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/kategorie/", {"category": "x"}, follow=True
    )
    assert "Diese Kategorie gibt es nicht (mehr)" in response.content.decode()
    assert full_state(world.own) == before


def test_move_into_leipzig_by_form_goes_to_the_queue(client, world: World):
    login(client, "caseworker_a")
    response = client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/ort/",
        {"lat": str(LEIPZIG[1]), "lon": str(LEIPZIG[0]), "reason": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/verwaltung/"
    html = response.content.decode()
    assert f"liegt jetzt bei {world.leipzig.name}" in html
    assert client.get(f"/verwaltung/meldungen/{world.own.public_id}/").status_code == 404
    login(client, "caseworker_b")
    assert world.own.public_id in client.get("/verwaltung/").content.decode()
