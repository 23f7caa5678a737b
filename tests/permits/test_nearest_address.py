"""Permits store the house address nearest to their area's point on surface; a parking permit the one
nearest to the residence, which is personal data and is erased with the applicant's data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from domains.permits.models import ParkingPermit
from domains.permits.personal_data import parking_erase_applicant, parking_personal_record
from domains.permits.services import PermitDraft, parking_apply, permit_create
from tests.addresses.files import hkde_line, write_hkde
from tests.permits.helpers import NEUSTADT, applicant, future

pytestmark = pytest.mark.django_db


@pytest.fixture
def neustadt(tmp_path):
    lines = [
        hkde_line("Louisenstraße", "20", "", "01099", 13.75520, 51.06510, oid="DESNAL0000000100"),
        hkde_line("Alaunstraße", "1", "", "01099", 13.75505, 51.06705, oid="DESNAL0000000101"),
    ]
    call_command("load_addresses", str(write_hkde(tmp_path / "hk.txt", lines)), verbosity=0)


def test_permit_gets_the_address_nearest_to_its_area(neustadt):
    draft = PermitDraft(
        kind="container", geometry=NEUSTADT, start=future(3), end=future(5), applicant=applicant()
    )
    permit = permit_create(draft=draft).permit
    permit.refresh_from_db()
    assert permit.nearest_address == "Louisenstraße 20, 01099 Dresden"
    assert permit.nearest_address_id == "hk-de:DESNAL0000000100"


def test_parking_permit_address_is_private_and_erased_with_the_applicant(neustadt):
    created = parking_apply(
        lon=13.7550, lat=51.0670, licence_plate="DD-XY 42", name="Rita Rad", email="rita@example.org",
        address="Alaunstraße 1, 01099 Dresden",
    )  # fmt: skip
    permit = ParkingPermit.objects.get(pk=created.permit.pk)
    assert permit.nearest_address == "Alaunstraße 1, 01099 Dresden"
    assert parking_personal_record(permit)["nearest_address"] == permit.nearest_address
    erased = parking_erase_applicant(permit_id=permit.pk)
    assert "nearest_address" in erased and "nearest_address_id" in erased
    permit.refresh_from_db()
    assert (permit.nearest_address, permit.nearest_address_id) == ("", "")
