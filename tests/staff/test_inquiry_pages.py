"""Rückfrage on the staff page and in the staff API (issue 30.3): the same service, the same German
messages; the queue shows „ohne Antwort seit …“; the status list does not offer „Rückfrage“ itself."""

from __future__ import annotations

import pytest

from domains.reports.models import Inquiry, Report
from kernel.notifications.models import OutgoingMail
from tests.factories import DRESDEN, make_report
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db


def test_caseworker_asks_on_the_report_page_and_the_queue_shows_the_wait(client, world: World):
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    assert "Rückfrage stellen" in page
    assert '<option value="inquiry"' not in page  # only through the question form
    response = client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/rueckfrage/",
        {"question": "Ist die Laterne ganz aus oder flackert sie?", "visibility": "public"},
        follow=True,
    )
    page = response.content.decode()
    assert "Rückfrage gestellt" in page and "Ohne Antwort seit" in page
    report = Report.objects.get(pk=world.own.pk)
    assert report.status == "inquiry"
    assert Inquiry.objects.get(report=report).public_answer is True
    assert OutgoingMail.objects.filter(kind="report.inquiry", to="buerger@example.org").count() == 1
    queue = client.get("/verwaltung/?status=inquiry").content.decode()
    assert world.own.public_id in queue and "ohne Antwort seit" in queue


def test_no_form_but_a_german_message_without_the_reporters_address(client, world: World):
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own_unassigned.public_id}/").content.decode()
    assert "keine E-Mail-Adresse der meldenden Person" in page
    response = client.post(
        f"/verwaltung/meldungen/{world.own_unassigned.public_id}/rueckfrage/",
        {"question": "Wo genau?", "visibility": "internal"},
        follow=True,
    )
    assert "eine Rückfrage ist nicht möglich" in response.content.decode()
    assert Report.objects.get(pk=world.own_unassigned.pk).status == "submitted"
    assert not Inquiry.objects.exists()


def test_staff_api_asks_and_lists_the_inquiry(client, world: World):
    token = world.tokens["caseworker_a"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    url = f"/api/v1/staff/reports/{world.own.public_id}/rueckfrage/"
    response = client.post(url, {"question": "Welche Hausnummer?"}, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "inquiry"
    assert body["inquiries"][0]["question"] == "Welche Hausnummer?"
    assert body["inquiries"][0]["public_answer"] is False
    again = client.post(url, {"question": "Noch eine?"}, content_type="application/json", **auth)
    assert again.status_code == 409 and "schon eine Rückfrage offen" in again.json()["detail"]
    empty = client.post(
        f"/api/v1/staff/reports/{world.own_unassigned.public_id}/rueckfrage/",
        {"question": "Wo?"},
        content_type="application/json",
        **auth,
    )
    assert empty.status_code == 400
    assert "keine E-Mail-Adresse" in str(empty.json())


def test_the_api_refuses_the_generic_move_to_rueckfrage(client, world: World):
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_a']}"}
    report = make_report(lonlat=DRESDEN, email="a@example.org").report
    response = client.patch(
        f"/api/v1/staff/reports/{report.public_id}/",
        {"status": "inquiry"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert "Rückfrage stellen" in str(response.json())
    assert Report.objects.get(pk=report.pk).status == "submitted"


def test_admins_set_the_reminder_delay_on_the_participation_page(client, world: World):
    login(client, "admin_a")
    page = client.get("/verwaltung/einstellungen/beteiligung/").content.decode()
    assert "Erinnerung an eine unbeantwortete Rückfrage" in page and 'value="5"' in page
    settings = {"action": "settings", "questionnaire_days": "14", "update_moderation": "pre"}
    client.post("/verwaltung/einstellungen/beteiligung/", {**settings, "inquiry_reminder_days": "7"})
    world.dresden.refresh_from_db()
    assert world.dresden.inquiry_reminder_days == 7
    response = client.post(
        "/verwaltung/einstellungen/beteiligung/", {**settings, "inquiry_reminder_days": "30"}, follow=True
    )
    assert "Bitte eine ganze Zahl von 1 bis 29 Tagen angeben." in response.content.decode()
    world.dresden.refresh_from_db()
    assert world.dresden.inquiry_reminder_days == 7
