"""The parking applicant's thank-you page and receipt (issue 26, item 5): after submitting, a confirmation
page with number, zone, yearly fee and the private tracking link (copy button, opened by a cookie for that
path only, like the report and permit confirmations), and one ``parking.received`` mail through the
outbox whose link opens the tracking page — for the web form and the API alike."""

from __future__ import annotations

import re

import pytest

from domains.permits.models import ParkingPermit
from kernel.notifications.models import OutgoingMail
from tests.mail_helpers import assert_receipt_opens_tracking as shared_receipt_check

pytestmark = pytest.mark.django_db

URL = "/parkausweis/beantragen/"
ADDRESS = "rita@example.org"
PARKING = {
    "lat": "51,0670",
    "lon": "13,7550",
    "licence_plate": "dd xy 42",
    "name": "Rita Rad",
    "email": ADDRESS,
    "address": "Alaunstraße 1, 01099 Dresden",
}


def receipts() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="parking.received"))


def assert_receipt_opens_tracking(client, permit: ParkingPermit) -> OutgoingMail:
    return shared_receipt_check(
        client,
        kind="parking.received",
        object_type="parking",
        public_id=permit.public_id,
        to=ADDRESS,
        path_prefix="/parkausweis/",
        body_contains=("Äußere Neustadt (N1)", "Dresden"),
    )


def test_the_form_leads_to_a_thank_you_page_with_zone_fee_link_and_copy_button(client):
    response = client.post(URL, PARKING)
    permit = ParkingPermit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/parkausweis/{permit.public_id}/bestaetigung/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store" and page["X-Robots-Tag"] == "noindex"
    assert "Vielen Dank – Ihr Antrag ist eingegangen" in html
    assert permit.public_id in html and "Äußere Neustadt (N1), Dresden" in html
    assert "30,70\u00a0€ pro Jahr" in html
    assert "auch per E-Mail" in html
    link = re.search(r'id="tracking-url"[^>]*value="([^"]+)"', html).group(1)
    assert link.startswith("http") and f"/parkausweis/{permit.public_id}/verfolgen/" in link
    assert re.search(r'<button[^>]*data-copy="tracking-url"[^>]*hidden', html)
    assert "copy-link.js" in html
    assert client.get(link.split("testserver", 1)[1]).status_code == 200


def test_the_web_form_queues_one_receipt_whose_link_opens_the_tracking_page(client):
    client.post(URL, PARKING)
    mail = assert_receipt_opens_tracking(client, ParkingPermit.objects.get())
    # the plate and postal address are not repeated to a typed mailbox; the page behind the link has them
    assert "DD-XY 42" not in mail.body and "Alaunstraße" not in mail.body


def test_the_api_queues_the_same_receipt(client):
    values = {**PARKING, "lat": "51.0670", "lon": "13.7550"}
    response = client.post("/api/v1/parking-permits/", values, content_type="application/json")
    assert response.status_code == 201, response.content
    assert_receipt_opens_tracking(client, ParkingPermit.objects.get())


def test_a_refused_application_queues_no_receipt(client):
    response = client.post(URL, {**PARKING, "lat": "51,0520"})
    assert response.status_code == 400
    assert receipts() == [] and ParkingPermit.objects.count() == 0


def test_the_page_script_gets_the_way_to_the_thank_you_page(client):
    response = client.post(URL, PARKING, HTTP_ACCEPT="application/json")
    permit = ParkingPermit.objects.get()
    assert response.status_code == 201
    assert response.json() == {"redirect": f"/parkausweis/{permit.public_id}/bestaetigung/"}
    assert client.get(response.json()["redirect"]).status_code == 200


def test_without_the_cookie_the_thank_you_page_reveals_nothing(client, django_user_model):
    from django.test import Client

    client.post(URL, PARKING)
    permit = ParkingPermit.objects.get()
    other = Client().get(f"/parkausweis/{permit.public_id}/bestaetigung/")
    unknown = Client().get("/parkausweis/PA-2026-NOPE/bestaetigung/")
    assert other.status_code == unknown.status_code == 404
    assert other.content == unknown.content
    assert permit.public_id not in other.content.decode()
