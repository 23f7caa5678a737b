"""The reporter's receipt (issue 26, item 5): a report created with an e-mail address — web form, REST
or Open311, all through ``report_create`` — queues exactly one ``report.received`` mail with the public
number, category and place and the private tracking link, which opens the tracking page; without an
address none. The confirmation page says so and offers a copy button."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from tests.mail_helpers import assert_receipt_opens_tracking as shared_receipt_check

pytestmark = pytest.mark.django_db

ADDRESS = "quittung@example.org"
FORM = {"lat": "51,0504", "lon": "13,7373", "category": "schlagloch", "description": "Loch in der Fahrbahn"}
API = {**FORM, "lat": "51.0504", "lon": "13.7373"}


def receipts() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="report.received"))


def assert_receipt_opens_tracking(client, report: Report) -> OutgoingMail:
    return shared_receipt_check(
        client,
        kind="report.received",
        object_type="report",
        public_id=report.public_id,
        to=ADDRESS,
        path_prefix="/meldungen/",
        body_contains=("Schlagloch", "Dresden"),
    )


def test_web_form_with_an_address_queues_one_receipt_with_a_working_tracking_link(client):
    response = client.post("/", {**FORM, "email": ADDRESS, "name": "Rita Rad", "phone": "+49 351 987654"})
    assert response.status_code == 302
    report = Report.objects.get()
    mail = assert_receipt_opens_tracking(client, report)
    # nothing someone else typed reaches the mailbox: no name, phone or description
    for private in ("Rita Rad", "987654", "Loch in der Fahrbahn"):
        assert private not in mail.body


def test_api_with_an_address_queues_one_receipt(client):
    response = client.post("/api/v1/reports/", {**API, "email": ADDRESS, "place": "Ruft 0800 123 an"})
    assert response.status_code == 201, response.content
    mail = assert_receipt_opens_tracking(client, Report.objects.get())
    assert "0800" not in mail.body  # the free place text stays out of a mail to a typed address


def test_open311_with_an_address_queues_one_receipt(client):
    data = {"service_code": "schlagloch", "description": "Tiefes Loch", "lat": "51.0504", "long": "13.7373"}
    response = client.post(
        "/open311/v2/requests.json",
        urlencode({**data, "email": ADDRESS}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201), response.content
    assert_receipt_opens_tracking(client, Report.objects.get())


def test_without_an_address_no_receipt(client):
    assert client.post("/", FORM).status_code == 302
    assert client.post("/api/v1/reports/", API).status_code == 201
    assert Report.objects.count() == 2
    assert receipts() == []


def test_confirmation_page_says_the_link_was_mailed_and_offers_a_copy_button(client):
    response = client.post("/", {**FORM, "email": ADDRESS})
    html = client.get(response["Location"]).content.decode()
    assert "auch per E-Mail" in html and "nur hier angezeigt" not in html
    assert re.search(r'<button[^>]*data-copy="tracking-url"[^>]*hidden', html)
    assert 'id="tracking-url"' in html  # the link stays selectable text


def test_confirmation_page_without_an_address_asks_to_keep_the_link(client):
    response = client.post("/", FORM)
    html = client.get(response["Location"]).content.decode()
    assert "auch per E-Mail" not in html and "nur hier angezeigt" in html


def test_a_delivered_receipt_keeps_no_working_link_in_the_outbox(client, mailoutbox):
    from kernel.notifications.services import mail_send

    client.post("/api/v1/reports/", {**API, "email": ADDRESS})
    [receipt] = receipts()
    assert mail_send(receipt.pk) == "sent"
    assert "/verfolgen/" in mailoutbox[0].body and "[entfernt]" not in mailoutbox[0].body
    receipt.refresh_from_db()
    assert "/verfolgen/[entfernt]/" in receipt.body
