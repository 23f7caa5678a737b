"""The schema the server serves, loaded once into openapi-core, and the data its operations answer about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import json_loads

from domains.permits.models import Notice, ParkingPermit, Permit
from domains.permits.services import PermitDraft, permit_create
from tests.addresses.files import dresden_hkde
from tests.permits.helpers import NEUSTADT, applicant
from tests.permits.test_staff_and_parking import apply_parking
from tests.web.permit_data import approved_permit

SCHEMA_URL = "/api/schema/?format=json"


@pytest.fixture(scope="session")
def served_schema(django_db_setup, django_db_blocker) -> dict:
    """``/api/schema/`` as a client downloads it (not the generator's dict: what is served is checked)."""
    with django_db_blocker.unblock():
        response = Client().get(SCHEMA_URL)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.fixture(scope="session")
def openapi(served_schema) -> OpenAPI:
    """openapi-core validates the schema itself first (openapi-spec-validator), then answers with it.

    GeoJSON (RFC 7946) is JSON; openapi-core reads only the media types it names as JSON, so without this
    it would compare the raw bytes of every ``application/geo+json`` answer with the object schema."""
    config = Config(extra_media_type_deserializers={"application/geo+json": json_loads})
    return OpenAPI.from_dict(served_schema, config=config)


@dataclass
class ApiData:
    """One of everything the documented operations can be asked about."""

    report_id: str
    permit: Permit  # approved, with a Bescheid and a fee
    pending: Permit  # overlaps ``permit``, no fee yet (StaffPermit.payment null)
    notice: Notice
    parking: ParkingPermit
    staff_token: str


@pytest.fixture
def api_data(world, tmp_path) -> ApiData:
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    permit = approved_permit(start=start, end=start + dt.timedelta(days=5), conditions="Gehweg frei halten")
    pending = permit_create(
        draft=PermitDraft(
            kind="geruest",
            geometry=NEUSTADT,
            start=start,
            end=start + dt.timedelta(days=3),
            applicant=applicant(),
            channel="api",
        )
    ).permit
    return ApiData(
        report_id=world.own.public_id,
        permit=permit,
        pending=pending,
        notice=permit.notices.order_by("pk").first(),
        parking=apply_parking(13.7550, 51.0670).permit,
        staff_token=world.tokens["caseworker_a"],
    )
