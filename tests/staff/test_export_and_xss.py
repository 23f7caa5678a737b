"""CSV export is safe against formula injection; descriptions are escaped wherever they are shown;
staff forms need a CSRF token."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from tests.factories import DRESDEN, make_report
from tests.staff_world import login

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example","Klick") <script>alert("x")</script>'


def test_export_neutralises_formulas_and_is_scoped(client, world):
    make_report(lonlat=DRESDEN, description=PAYLOAD, place="+49 Anruf")
    login(client, "caseworker_a")
    response = client.get("/verwaltung/arbeitsliste.csv", {"status": "all"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Meldungsnummer"
    descriptions = [row[-1] for row in rows[1:]]
    assert "'" + PAYLOAD in descriptions
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert world.other.public_id not in text  # Leipzig's report is not exported to Dresden
    login(client, "caseworker_b")
    assert (
        world.own.public_id
        not in b"".join(client.get("/verwaltung/arbeitsliste.csv").streaming_content).decode()
    )


def test_description_is_escaped_for_staff_and_public(client, world):
    report = make_report(lonlat=DRESDEN, description=PAYLOAD).report
    public = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "<script>alert" not in public and "&lt;script&gt;" in public
    login(client, "caseworker_a")
    staff = client.get(f"/verwaltung/meldungen/{report.public_id}/").content.decode()
    assert "<script>alert" not in staff and "&lt;script&gt;" in staff
    queue = client.get("/verwaltung/").content.decode()
    assert "<script>alert" not in queue


def test_staff_forms_require_a_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["caseworker_a"])
    response = browser.post(f"/verwaltung/meldungen/{world.own.public_id}/status/", {"status": "in_review"})
    assert response.status_code == 403
    world.own.refresh_from_db()
    assert world.own.status == "submitted"
