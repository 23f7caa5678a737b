"""Staff enter a report for a caller (issue 30.2): /verwaltung/meldungen/neu/ and POST /api/v1/staff/reports/.

One write path: the report is made by ``report_create`` like a citizen's, with the staff channel, the
staff member as creator, "Telefonisch aufgenommen." in the history and the receipt only with an e-mail.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from domains.reports.models import CategoryAttribute, Report
from domains.reports.notify import RECEIPT_KIND
from domains.reports.services import ReportDraft, report_create
from kernel.core.errors import ValidationFailed
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.factories import DRESDEN, LEIPZIG
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

URL = "/verwaltung/meldungen/neu/"


def _form(**extra: str) -> dict[str, str]:
    lon, lat = DRESDEN
    return {
        "channel": "telefon",
        "lat": str(lat + 0.001),
        "lon": str(lon),
        "category": "schlagloch",
        "description": "Anruferin meldet ein tiefes Schlagloch",
        **extra,
    }


def _newest() -> Report:
    return Report.objects.order_by("-pk").first()


def test_phone_intake_with_email_sends_the_receipt_and_records_who_took_it(client, world: World):
    login(client, "caseworker_a")
    before = Report.objects.count()
    response = client.post(URL, _form(name="Erika Muster", email="erika@example.org", phone="0351 123456"))
    assert response.status_code == 302
    assert Report.objects.count() == before + 1
    report = _newest()
    assert response["Location"] == reverse("staff:report", args=[report.public_id])
    assert report.channel == "telefon"
    assert report.get_channel_display() == "Telefon"
    assert report.created_by.username == "caseworker_a"
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Erika Muster",
        "erika@example.org",
        "0351 123456",
    )
    first = report.history.get(from_status="")
    assert first.public_note == "Telefonisch aufgenommen."
    assert first.by_user.username == "caseworker_a"
    event = AuditEvent.objects.get(action="report.intake", object_id=str(report.pk))
    assert event.actor.username == "caseworker_a" and "mit Kontaktangaben" in event.summary
    receipt = OutgoingMail.objects.get(kind=RECEIPT_KIND, object_id=report.public_id)
    assert receipt.to == "erika@example.org"
    assert f"/meldungen/{report.public_id}/" in receipt.body  # the tracking link, as for a web reporter
    page = client.get(response["Location"])
    assert "Eingangsbestätigung mit dem Verfolgungslink geht an erika@example.org" in page.content.decode()


def test_counter_intake_without_contact_sends_no_receipt(client, world: World):
    login(client, "admin_a")
    response = client.post(URL, _form(channel="vor_ort"))
    assert response.status_code == 302
    report = _newest()
    assert report.channel == "vor_ort" and report.reporter_email == ""
    assert report.history.get(from_status="").public_note == "Vor Ort aufgenommen."
    assert not OutgoingMail.objects.filter(kind=RECEIPT_KIND, object_id=report.public_id).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ohne E-Mail-Adresse wird keine Eingangsbestätigung versandt." in page


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("", "Bitte wählen Sie den Eingangskanal"),
        ("fax", "Unbekannter Eingangskanal"),
    ],
)
def test_channel_is_checked_and_nothing_is_stored(client, world: World, channel: str, message: str):
    login(client, "caseworker_a")
    before = Report.objects.count()
    response = client.post(URL, _form(channel=channel))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Report.objects.count() == before


def test_citizens_cannot_claim_a_staff_channel(world: World):
    lon, lat = DRESDEN
    draft = ReportDraft(category="schlagloch", description="x", lon=lon, lat=lat + 0.001, channel="telefon")
    with pytest.raises(ValidationFailed) as exc:
        report_create(draft=draft, user=None)
    assert "nur Sachbearbeitung und Administration" in exc.value.errors["channel"][0]
    crew = world.users["crew_a"]
    with pytest.raises(ValidationFailed):
        report_create(draft=draft, user=crew)


def test_a_point_in_another_commune_is_refused_with_the_responsible_commune(client, world: World):
    login(client, "caseworker_b")  # Leipzig
    before = Report.objects.count()
    response = client.post(URL, _form())  # Dresden
    assert response.status_code == 400
    text = response.content.decode()
    assert "liegt in Dresden, außerhalb Ihres Zuständigkeitsgebiets" in text
    assert Report.objects.count() == before
    lon, lat = LEIPZIG
    response = client.post(URL, _form(lat=str(lat + 0.001), lon=str(lon)))
    assert response.status_code == 302
    assert _newest().organisation == world.leipzig


def test_without_javascript_questions_of_the_category_and_address_pick(client, world: World):
    login(client, "caseworker_a")
    page = client.get(URL + "?category=schlagloch").content.decode()
    assert 'name="attribute[size]"' in page
    CategoryAttribute.objects.filter(category__slug="schlagloch", code="size").update(required=True)
    response = client.post(URL, _form())
    assert response.status_code == 400
    assert "Bitte geben Sie an: Wie groß ist das Schlagloch?" in response.content.decode()
    # "Fragen laden" stores nothing and keeps what was typed.
    response = client.post(URL, _form(refresh="1", description="bleibt stehen"))
    assert response.status_code == 200 and "bleibt stehen" in response.content.decode()
    # A picked address fills the coordinates in; the text typed so far stays.
    response = client.post(URL, _form(pick="51.049000,13.738000", lat="", lon="", description="auch das"))
    text = response.content.decode()
    assert 'value="51.049000"' in text and 'value="13.738000"' in text and "auch das" in text
    response = client.post(URL, _form(pick="kein Ort"))
    assert "ließ sich nicht übernehmen" in response.content.decode()
    response = client.post(URL, _form(search="1", adresse="x"))
    assert response.status_code == 200 and "mindestens" in response.content.decode()
    response = client.post(URL, _form(**{"attribute[size]": "large"}))
    assert response.status_code == 302
    assert _newest().attributes == {"size": "large"}


def test_staff_api_intake(client, world: World):
    token = world.tokens["caseworker_a"]
    lon, lat = DRESDEN
    body = {
        "channel": "brief",
        "category": "schlagloch",
        "description": "Brief von Herrn Muster",
        "location": {"type": "Point", "coordinates": [lon, lat + 0.001]},
        "attributes": {"size": "small"},
        "email": "muster@example.org",
    }
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    response = client.post("/api/v1/staff/reports/", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "brief" and data["attributes"] == {"size": "small"}
    report = Report.objects.get(public_id=data["id"])
    assert report.created_by.username == "caseworker_a"
    assert report.history.get(from_status="").public_note == "Per Brief eingegangen und aufgenommen."
    assert OutgoingMail.objects.filter(kind=RECEIPT_KIND, to="muster@example.org").count() == 1
    wrong = {**body, "channel": "fax", "category": ["a", "b"]}
    response = client.post("/api/v1/staff/reports/", wrong, content_type="application/json", **auth)
    assert response.status_code == 400
    assert "genau ein Wert" in response.content.decode()
    response = client.post(
        "/api/v1/staff/reports/", {**body, "channel": "fax"}, content_type="application/json", **auth
    )
    assert response.status_code == 400 and "Unbekannter Eingangskanal" in response.content.decode()


def test_the_queue_offers_the_intake(client, world: World):
    login(client, "caseworker_a")
    assert 'href="/verwaltung/meldungen/neu/"' in client.get("/verwaltung/").content.decode()


def test_address_search_without_javascript_takes_a_house_into_the_report(client, world: World, tmp_path):
    import re

    from django.core.management import call_command

    from tests.addresses.files import dresden_hkde

    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)
    login(client, "caseworker_a")
    typed = _form(
        lat="", lon="", description="Anruf zur Prager Straße", search="1", adresse="Prager Straße 12"
    )
    html = client.post(URL, typed).content.decode()
    buttons = re.findall(r'<button type="submit" name="pick" value="([^"]+)"[^>]*>([^<]+)</button>', html)
    assert buttons and "Prager Straße 12" in buttons[0][1]
    assert "Anruf zur Prager Straße" in html  # what was typed stays
    picked = {k: v for k, v in typed.items() if k != "search"}  # the pressed button alone is sent
    html = client.post(URL, {**picked, "pick": buttons[0][0]}).content.decode()
    lat, lon = buttons[0][0].split(",")
    assert f'value="{lat}"' in html and f'value="{lon}"' in html and "Ort übernommen." in html
    response = client.post(URL, {**_form(description="Anruf zur Prager Straße"), "lat": lat, "lon": lon})
    assert response.status_code == 302
    assert "Prager Straße 12" in _newest().nearest_address
    html = client.post(URL, {**typed, "adresse": "Gibtsnichtweg 999"}).content.decode()
    assert "Keine Adresse zu „Gibtsnichtweg 999“ gefunden" in html
