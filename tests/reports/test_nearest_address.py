"""Every new report stores its nearest house address (within 50 m), shown to the public, staff, the crew,
in the CSV export and in Open311 ``address``/``address_id``."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from kernel.addresses.models import Address
from tests.addresses.files import dresden_hkde, hkde_line, write_hkde
from tests.factories import make_report
from tests.staff_world import login

pytestmark = pytest.mark.django_db
NEAR_PRAGER_12 = (13.73635, 51.04565)
LABEL = "Prager Straße 12, 01069 Dresden"


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0)


def test_report_stores_its_nearest_address_and_keeps_it_after_a_reload(dresden, tmp_path):
    report = make_report(lonlat=NEAR_PRAGER_12).report
    report.refresh_from_db()
    assert report.nearest_address == LABEL
    assert report.nearest_address_id == "hk-de:DESNAL0000000000"
    Address.objects.all().delete()
    report.refresh_from_db()
    assert report.nearest_address == LABEL


def test_report_without_an_address_within_50_m_has_none(dresden):
    report = make_report(lonlat=(13.80, 51.04)).report
    report.refresh_from_db()
    assert (report.nearest_address, report.nearest_address_id) == ("", "")


def test_public_page_and_open311_name_the_address(client, dresden):
    report = make_report(lonlat=NEAR_PRAGER_12).report
    page = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert f"nahe {LABEL}" in page
    body = client.get("/open311/v2/requests.json", {"service_request_id": report.public_id}).json()
    assert (body[0]["address"], body[0]["address_id"]) == (LABEL, "hk-de:DESNAL0000000000")


def test_staff_page_and_csv_export_name_the_address(client, world, dresden):
    report = make_report(lonlat=NEAR_PRAGER_12).report
    login(client, "caseworker_a")
    assert f"nahe {LABEL}" in client.get(f"/verwaltung/meldungen/{report.public_id}/").content.decode()
    response = client.get("/verwaltung/arbeitsliste.csv", {"status": "all"})
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][4] == "Nächste Adresse"
    assert [row[4] for row in rows[1:] if row[0] == report.public_id] == [LABEL]


@pytest.fixture
def altmarkt(tmp_path):
    """An address next to tests.factories.DRESDEN, loaded before the staff world's reports are made."""
    line = hkde_line("Altmarkt", "1", "", "01067", 13.7374, 51.0505, oid="DESNAL0000000200")
    call_command("load_addresses", str(write_hkde(tmp_path / "alt.txt", [line])), verbosity=0)


def test_crew_view_names_the_address(client, altmarkt, world):
    login(client, "crew_a")
    page = client.get(f"/bauhof/auftraege/{world.own.public_id}/").content.decode()
    assert "nahe Altmarkt 1, 01067 Dresden" in page
