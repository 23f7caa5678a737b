"""Attachments on the plain (no-JavaScript) Sondernutzung form (issue 26): the same mismatch the report
form had — Django's one-file ``FileField`` given the list of a multiple input — gave a false "Es wurde
keine Datei übertragen …" whenever another field was wrong. Now no such error, and a hint to choose the
files again when the page comes back (a browser cannot keep a chosen file)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domains.permits.models import Permit
from tests.web.permit_data import SECRET_APPLICANT, geojson_text, local_input

pytestmark = pytest.mark.django_db

URL = "/sondernutzung/beantragen/"
FALSE_ERROR = "keine Datei übertragen"
HINT = "Bitte wählen Sie die Anhänge erneut aus"


def _values(**overrides) -> dict:
    return {
        "kind": "geruest",
        "start": local_input(10),
        "end": local_input(20, 18),
        "units": "1",
        "geometry": geojson_text(),
        "width_m": "",
        "description": "Fassadengerüst vor Hausnummer 12",
        **SECRET_APPLICANT,
        **overrides,
    }


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    plan = pikepdf.new()
    plan.add_blank_page()
    data = io.BytesIO()
    plan.save(data)
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/pdf")


@pytest.mark.parametrize("wrong", [{"name": ""}, {"kind": ""}, {"units": "abc"}, {"geometry": "{}"}])
def test_an_attachment_with_another_wrong_field_gives_no_file_error_but_the_hint(client, wrong):
    response = client.post(URL, {**_values(**wrong), "attachments": [_pdf(), _pdf("zwei.pdf")]})
    html = response.content.decode()
    assert response.status_code == 400
    assert FALSE_ERROR not in html
    assert HINT in html
    assert Permit.objects.count() == 0


def test_the_json_errors_have_no_file_error_either(client):
    response = client.post(URL, {**_values(name=""), "attachments": [_pdf()]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "attachments" not in errors and "name" in errors


def test_the_estimate_button_with_an_attachment_asks_to_choose_it_again(client):
    response = client.post(URL, {**_values(), "action": "estimate", "attachments": [_pdf()]})
    html = response.content.decode()
    assert response.status_code == 200 and FALSE_ERROR not in html
    assert HINT in html and "Summe (vorläufig)" in html


def test_no_hint_without_an_attachment(client):
    html = client.post(URL, _values(name="")).content.decode()
    assert FALSE_ERROR not in html and HINT not in html


def test_a_valid_post_with_two_attachments_stores_both(client):
    response = client.post(URL, {**_values(), "attachments": [_pdf(), _pdf("zwei.pdf")]})
    assert response.status_code == 302
    assert Permit.objects.get().attachments.count() == 2


def test_a_broken_attachment_gets_the_service_message_once_and_no_file_error(client):
    broken = SimpleUploadedFile("kaputt.pdf", b"kein PDF", content_type="application/pdf")
    response = client.post(URL, {**_values(), "attachments": [broken]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    messages = response.json()["errors"]["attachments"]
    assert len(messages) == 1 and FALSE_ERROR not in messages[0], messages
