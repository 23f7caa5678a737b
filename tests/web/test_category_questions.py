"""The category's questions on the citizen form (issue 31.2): asked only for the chosen category, the
no-JavaScript step "Kategorie wählen", the service's German messages at the field, and answers stored
exactly as an Open311 POST with the same values stores them."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from domains.reports.models import CategoryAttribute, Report

pytestmark = pytest.mark.django_db

MUELL = {"lat": "51,0504", "lon": "13,7373", "category": "muellablagerung", "description": "Reifen im Wald"}


def _html(response) -> str:
    return response.content.decode()


def test_questions_appear_only_for_the_chosen_category_after_the_step(client):
    assert "attribute[" not in _html(client.get("/"))
    response = client.post("/", {**MUELL, "refresh": "1"})
    html = _html(response)
    assert response.status_code == 200 and Report.objects.count() == 0
    assert "Reifen im Wald" in html  # the text typed so far is kept
    assert "<legend>Welche Abfälle liegen dort?</legend>" in html or 'name="attribute[waste_types]"' in html
    assert 'type="checkbox" name="attribute[waste_types]" value="tyres"' in html
    assert 'type="datetime-local" name="attribute[observed_at]"' in html
    assert 'name="attribute[size]"' not in html  # another category's question
    html = _html(client.post("/", {**MUELL, "category": "schlagloch", "refresh": "1"}))
    assert '<select name="attribute[size]"' in html and 'inputmode="decimal"' in html
    assert 'name="attribute[waste_types]"' not in html


def test_a_required_question_is_enforced_and_nothing_is_saved(client):
    CategoryAttribute.objects.filter(category__slug="schlagloch", code="size").update(required=True)
    data = {**MUELL, "category": "schlagloch"}
    html = _html(client.post("/", {**data, "refresh": "1"}))
    assert 'aria-required="true"' in html
    response = client.post("/", data)
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "Bitte geben Sie an: Wie groß ist das Schlagloch?" in _html(response)
    response = client.post("/", {**data, "attribute[size]": "large"})
    assert response.status_code == 302
    assert Report.objects.get().attributes == {"size": "large"}


def test_text_for_a_number_gets_the_german_message_at_the_field(client):
    data = {**MUELL, "category": "schlagloch", "attribute[depth_cm]": "zwölf"}
    response = client.post("/", data)
    html = _html(response)
    assert response.status_code == 400 and Report.objects.count() == 0
    assert 'id="field-attribute[depth_cm]"' in html
    field = html.split('id="field-attribute[depth_cm]"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "bitte eine Zahl angeben, z. B. 12 oder 12,5." in field
    assert 'value="zwölf"' in field  # kept for correcting
    json = client.post("/", data, HTTP_ACCEPT="application/json").json()
    assert "attribute[depth_cm]" in json["errors"]


def test_an_unknown_choice_is_refused(client):
    response = client.post("/", {**MUELL, "attribute[waste_types]": ["tyres", "gold"]})
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "„gold“ ist keine der möglichen Antworten" in _html(response)


def test_each_type_lands_in_the_report_as_open311_stores_it(client):
    web = {
        **MUELL,
        "attribute[waste_types]": ["bulky", "tyres"],
        "attribute[observed_at]": "2026-11-24T18:00",
    }
    assert client.post("/", web).status_code == 302
    from_web = Report.objects.get()
    pairs = [
        ("service_code", "muellablagerung"),
        ("lat", "51.0504"),
        ("long", "13.7373"),
        ("description", "Reifen im Wald"),
        ("attribute[waste_types][]", "bulky"),
        ("attribute[waste_types][]", "tyres"),
        ("attribute[observed_at]", "2026-11-24T18:00"),
    ]
    response = client.post(
        "/open311/v2/requests.json", urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 201), response.content
    from_open311 = Report.objects.exclude(pk=from_web.pk).get()
    assert (
        from_web.attributes
        == from_open311.attributes
        == {
            "waste_types": ["bulky", "tyres"],
            "observed_at": "2026-11-24T18:00:00+01:00",
        }
    )
    pothole = {**MUELL, "category": "schlagloch", "attribute[depth_cm]": "7,5", "attribute[size]": "small"}
    assert client.post("/", pothole).status_code == 302
    assert Report.objects.latest("id").attributes == {"depth_cm": 7.5, "size": "small"}
    playground = {**MUELL, "category": "spielplatz", "attribute[equipment]": "Schaukel: Kette gerissen"}
    html = _html(client.post("/", {**playground, "refresh": "1"}))
    assert '<textarea name="attribute[equipment]"' in html
    assert client.post("/", playground).status_code == 302
    assert Report.objects.latest("id").attributes == {"equipment": "Schaukel: Kette gerissen"}
