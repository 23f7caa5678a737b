"""Open311 POST with ``address_string`` and no lat/long is geocoded against the loaded house addresses;
no match or an ambiguous one is a 400 in the spec's error format; lat/long win when both are given."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from domains.reports.models import Report
from tests.addresses.files import dresden_hkde, hkde_line, write_hkde
from tests.api.open311.helpers import jsn, json_errors, xml_errors

pytestmark = pytest.mark.django_db
URL = "/open311/v2/requests"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0)


def post(client, fmt: str = "json", **extra):
    data = {"service_code": "schlagloch", "description": "Tiefes Loch", **extra}
    return client.post(f"{URL}.{fmt}", urlencode(data), content_type=FORM)


def test_address_string_alone_is_geocoded(client, dresden):
    body = jsn(post(client, address_string="Prager Strasse 12, Dresden"))
    report = Report.objects.get(public_id=body[0]["service_request_id"])
    assert report.commune.ags == "14612000"
    assert report.nearest_address == "Prager Straße 12, 01069 Dresden"
    assert report.place == "Prager Strasse 12, Dresden"
    assert report.nearest_address_id == "hk-de:DESNAL0000000000"


def test_lat_long_win_over_address_string(client, dresden):
    body = jsn(post(client, address_string="Prager Straße 12", lat="51.0506", long="13.7379"))
    report = Report.objects.get(public_id=body[0]["service_request_id"])
    assert report.nearest_address.startswith("Wilsdruffer Straße 7")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_address_is_400_in_the_error_format(client, dresden, fmt):
    read = xml_errors if fmt == "xml" else json_errors
    [(code, text)] = read(post(client, fmt=fmt, address_string="Prager Straße 99, Dresden"), 400)
    assert str(code) == "400" and text.startswith("address_string:") and "keine Hausadresse" in text
    assert not Report.objects.exists()


def test_ambiguous_address_is_400_naming_the_candidates(client, dresden, tmp_path):
    leipzig = hkde_line("Prager Straße", "12", "", "04103", 12.3880, 51.3350, oid="DESNL1", ags="14713000")
    call_command("load_addresses", str(write_hkde(tmp_path / "le.txt", [leipzig])), verbosity=0)
    [(_, text)] = json_errors(post(client, address_string="Prager Straße 12"), 400)
    assert "mehrdeutig" in text and "01069" in text and "04103" in text
    assert not Report.objects.exists()
    assert jsn(post(client, address_string="Prager Straße 12, 04103"))


def test_street_without_house_number_is_not_a_place(client, dresden):
    [(_, text)] = json_errors(post(client, address_string="Prager Straße"), 400)
    assert text.startswith("address_string:")
