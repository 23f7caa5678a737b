"""Staff pages for permits: scoped like reports, decisions recorded, conflicts shown."""

from __future__ import annotations

import pytest

from domains.permits.models import ParkingPermit, Permit
from domains.permits.services import PermitDraft, parking_apply, permit_create
from tests.permits.helpers import applicant, future
from tests.permits.test_conflicts import box
from tests.staff_world import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    return permit_create(
        draft=PermitDraft(
            kind="geruest", geometry=box(), start=future(3), end=future(9), applicant=applicant()
        )
    ).permit


@pytest.mark.parametrize(
    ("who", "code"), [("caseworker_a", 200), ("admin_a", 200), ("caseworker_b", 404), ("crew_a", 403)]
)
def test_permit_page_scoping(client, world, permit, who, code):
    """Another commune: 404 (no existence leak); a crew has no permit pages at all: 403."""
    login(client, who)
    response = client.get(f"/verwaltung/sondernutzungen/{permit.public_id}/")
    assert response.status_code == code
    listing = client.get("/verwaltung/sondernutzungen/")
    assert (permit.public_id in listing.content.decode()) is (code == 200)


def test_permit_page_shows_fee_conflicts_and_applicant(client, world, permit):
    other = permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(dx=0.0001), start=future(4), end=future(6), applicant=applicant()
        )
    ).permit
    login(client, "caseworker_a")
    html = client.get(f"/verwaltung/sondernutzungen/{permit.public_id}/").content.decode()
    assert other.public_id in html and "Verwaltungsgebühr" in html and "antrag@geruestbau.example" in html
    assert 'id="permit-data"' in html


@pytest.mark.parametrize(
    ("who", "code", "approved"),
    [("caseworker_a", 302, True), ("caseworker_b", 404, False), ("crew_a", 403, False)],
)
def test_decision_from_the_page(client, world, permit, who, code, approved):
    login(client, who)
    response = client.post(
        f"/verwaltung/sondernutzungen/{permit.public_id}/entscheiden/",
        {"status": "approved", "conditions": "Absperrung nachts beleuchten", "confirm": "yes"},
    )
    assert response.status_code == code
    permit.refresh_from_db()
    assert (permit.status == "approved") is approved
    assert (permit.conditions == "Absperrung nachts beleuchten") is approved


def test_parking_page_approves_with_a_permit_number(client, world):
    created = parking_apply(
        lon=13.7550,
        lat=51.0670,
        licence_plate="DD-Q 7",
        name="Q",
        email="q@example.org",
        address="Alaunstraße 2",
    )
    login(client, "caseworker_b")
    assert created.permit.public_id not in client.get("/verwaltung/parkausweise/").content.decode()
    assert (
        client.post(
            "/verwaltung/parkausweise/",
            {"public_id": created.permit.public_id, "status": "approved", "confirm": "yes"},
        ).status_code
        == 404
    )
    login(client, "caseworker_a")
    assert "DD-Q 7" in client.get("/verwaltung/parkausweise/").content.decode()
    client.post(
        "/verwaltung/parkausweise/",
        {"public_id": created.permit.public_id, "status": "approved", "confirm": "yes"},
    )
    assert ParkingPermit.objects.get(pk=created.permit.pk).permit_number.startswith("14612000-N1-")
    assert Permit.objects.count() == 0
