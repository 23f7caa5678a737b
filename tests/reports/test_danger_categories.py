"""Emergencies are diverted (issue 31.1): a danger category shows "Gefahr? Polizei 110 / Feuerwehr 112"
with the commune's on-call number; "block" refuses the report everywhere with the same German text and
stores nothing, "warn" stores it and the confirmation repeats the advice."""

from __future__ import annotations

import pytest

from domains.reports.models import Category, DangerMode, Report
from kernel.organisations.models import AuditEvent
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

DRESDEN = {"lat": "51.0504", "lon": "13.7373"}
FORM = {"lat": "51,0504", "lon": "13,7373", "description": "Ampel ist ganz aus"}


def mark(slug: str, mode: str) -> Category:
    category = Category.objects.get(slug=slug)
    category.danger_mode = mode
    category.save(update_fields=["danger_mode"])
    return category


@pytest.fixture
def blocking() -> Category:
    return mark("ampel", DangerMode.BLOCK)


def test_plain_form_post_to_a_blocking_category_is_refused_at_the_category(client, blocking):
    response = client.post("/", {**FORM, "category": "ampel"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Gefahr? Polizei 110 / Feuerwehr 112" in html
    assert "„Ampel" in html and "kann hier nicht gemeldet werden" in html
    assert Report.objects.count() == 0


def test_script_post_to_a_blocking_category_gets_the_text_as_json(client, blocking):
    response = client.post("/", {**FORM, "category": "ampel"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "Polizei 110" in response.json()["errors"]["category"][0]
    assert Report.objects.count() == 0


def test_rest_and_open311_posts_to_a_blocking_category_are_400_with_the_same_text(client, blocking):
    rest = client.post("/api/v1/reports/", {**DRESDEN, "category": "ampel", "description": "aus"})
    assert rest.status_code == 400
    rest_text = rest.json()["errors"]["category"][0]
    assert rest_text.startswith("Gefahr? Polizei 110 / Feuerwehr 112.")
    o311 = client.post(
        "/open311/v2/requests.json",
        {"service_code": "ampel", "lat": DRESDEN["lat"], "long": DRESDEN["lon"], "description": "aus"},
    )
    assert o311.status_code == 400
    assert any(rest_text in item["description"] for item in o311.json())
    assert Report.objects.count() == 0


def test_a_warning_category_is_saved_and_the_confirmation_shows_the_notice(client):
    mark("baum", DangerMode.WARN)
    response = client.post("/", {**FORM, "category": "baum"})
    assert response.status_code == 302
    assert Report.objects.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Gefahr? Polizei 110 / Feuerwehr 112" in html
    assert "Ihre Meldung wird gesendet" in html


def test_an_ordinary_category_shows_no_notice(client):
    response = client.post("/", {**FORM, "category": "schlagloch"})
    html = client.get(response["Location"]).content.decode()
    assert "Polizei 110" not in html


def test_the_commune_number_is_named_in_form_api_and_open311(client, world: World, blocking):
    world.dresden.contact_emergency_phone = "0351 488-9999"
    world.dresden.save(update_fields=["contact_emergency_phone"])
    html = client.post("/", {**FORM, "category": "ampel"}).content.decode()
    assert "Bereitschaftsdienst Dresden: 0351 488-9999" in html
    categories = client.get("/api/v1/categories/?commune=14612000").json()
    ampel = next(c for c in categories if c["slug"] == "ampel")
    assert ampel["danger_mode"] == "block" and "0351 488-9999" in ampel["danger_notice"]
    plain = next(c for c in categories if c["slug"] == "schlagloch")
    assert (plain["danger_mode"], plain["danger_notice"]) == ("", None)
    services = client.get("/open311/v2/services.json?jurisdiction_id=14612000").json()
    service = next(s for s in services if s["service_code"] == "ampel")
    assert service["description"].startswith("Gefahr? Polizei 110 / Feuerwehr 112 / Bereitschaftsdienst")


def test_the_form_page_carries_the_notices_for_the_script(client, blocking):
    html = client.get("/").content.decode()
    assert 'id="danger-notices"' in html and '"ampel"' in html
    assert 'id="danger-notice"' in html


def test_the_admin_sets_the_emergency_number_audited_and_checked(client, world: World):
    login(client, "admin_a")
    url = f"/verwaltung/einstellungen/?organisation={world.dresden.pk}"
    assert 'name="contact_emergency_phone"' in client.get(url).content.decode()
    bad = client.post(url, {"form": "contact", "contact_emergency_phone": "ruf an"}, follow=True)
    assert "Bitte eine Telefonnummer" in bad.content.decode()
    world.dresden.refresh_from_db()
    assert world.dresden.contact_emergency_phone == ""
    client.post(url, {"form": "contact", "contact_emergency_phone": "0351 488-9999"})
    world.dresden.refresh_from_db()
    assert world.dresden.contact_emergency_phone == "0351 488-9999"
    assert AuditEvent.objects.filter(action="organisation.contact", organisation=world.dresden).exists()
