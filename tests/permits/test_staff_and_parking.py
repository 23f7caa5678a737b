"""Staff decisions on permits (scoped like reports) and resident parking permits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from domains.permits.models import ParkingPermit, Permit
from domains.permits.services import (
    PermitDraft,
    normalise_plate,
    parking_apply,
    parking_decide,
    permit_create,
)
from domains.permits.services.payments import payment_record_staff
from kernel.core.errors import ValidationFailed
from tests.permits.helpers import applicant, future
from tests.permits.test_conflicts import box

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    return permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(), start=future(3), end=future(5), applicant=applicant()
        )
    ).permit


def patch(client, world, who, permit, data):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    return client.patch(f"/api/v1/staff/permits/{permit.public_id}/", data, content_type="application/json")


@pytest.mark.parametrize(
    ("who", "code"),
    [("caseworker_a", 200), ("admin_a", 200), ("caseworker_b", 404), ("crew_a", 404), ("outsider", 403)],
)
def test_staff_decision_is_scoped_like_reports(client, world, permit, who, code):
    response = patch(
        client, world, who, permit, {"status": "approved", "conditions": "Gehweg 1,50 m freihalten"}
    )
    assert response.status_code == code
    permit.refresh_from_db()
    assert (permit.status == "approved") is (code == 200)
    if code == 200:
        assert permit.conditions == "Gehweg 1,50 m freihalten"
        assert permit.history.count() == 2


def test_illegal_permit_transition_is_409(client, world, permit):
    assert patch(client, world, "caseworker_a", permit, {"status": "withdrawn"}).status_code == 200
    response = patch(client, world, "caseworker_a", permit, {"status": "approved"})
    assert response.status_code == 409
    assert "Zurückgezogen" in response.json()["detail"]


def test_approved_permit_is_active_during_its_period_then_expired(permit):
    from domains.permits.workflow import display_status

    Permit.objects.filter(pk=permit.pk).update(status="approved")
    permit.refresh_from_db()
    assert display_status(permit.status, permit.start, permit.end)[0] == "approved"
    assert display_status(permit.status, permit.start, permit.end, now=permit.start)[0] == "active"
    assert display_status(permit.status, permit.start, permit.end, now=permit.end)[0] == "expired"


def test_fee_is_recomputed_when_staff_change_the_period(world, permit):
    from domains.permits.services import permit_change_area_or_period

    before = permit.fee_total
    changed = permit_change_area_or_period(
        actor=world.users["caseworker_a"], public_id=permit.public_id, end=future(15)
    )
    assert changed.fee_total > before


# --- parking --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("DD-AB 1234", "DD-AB 1234"), ("dd ab 12", "DD-AB 12"), ("L-X 1E", "L-X 1E"), ("ÜB-A 99H", "ÜB-A 99H")],
)
def test_german_plates_are_accepted_and_normalised(raw, normalised):
    assert normalise_plate(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["", "DD-AB 0123", "DDDD-A 1", "DD-ABC 1", "DD-AB 12345", "12-AB 1", "DD AB1234X", "ABC-DE 1234"]
)
def test_invalid_plates_are_refused(raw):
    with pytest.raises(ValidationFailed):
        normalise_plate(raw)


def apply_parking(lon, lat, plate="DD-XY 42"):
    return parking_apply(
        lon=lon,
        lat=lat,
        licence_plate=plate,
        name="Rita Rad",
        email="rita@example.org",
        address="Alaunstraße 1, 01099 Dresden",
    )


def test_residence_inside_a_zone_is_priced_by_the_commune_tariff(world):
    created = apply_parking(13.7550, 51.0670)
    permit = created.permit
    assert permit.zone.code == "N1" and str(permit.fee) == "30.70"
    assert permit.licence_plate == "DD-XY 42" and permit.organisation.ags == "14612000"


def test_outside_every_zone_is_refused_naming_the_nearest_zone():
    with pytest.raises(ValidationFailed) as info:
        apply_parking(13.7550, 51.0520)  # ~350 m west of Johannstadt-Nord, ~1.2 km from Äußere Neustadt
    message = info.value.errors["location"][0]
    assert "keinem Bewohnerparkgebiet von Dresden" in message
    assert "Johannstadt-Nord" in message and "m entfernt" in message
    assert ParkingPermit.objects.count() == 0


def test_commune_without_zones_says_so():
    with pytest.raises(ValidationFailed, match="keine Bewohnerparkgebiete"):
        apply_parking(12.9214, 50.8333)  # Chemnitz


def test_point_on_the_zone_border_counts_as_inside():
    assert apply_parking(13.745, 51.065).permit.zone.code == "N1"  # on the western edge of N1


def test_approval_gives_a_permit_number_and_payment_one_year(world):
    permit = apply_parking(13.7550, 51.0670).permit
    approved = parking_decide(
        actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved"
    )
    today = timezone.localdate()
    assert approved.permit_number == f"14612000-N1-{today.year}-00001"
    assert approved.valid_from is None  # valid only when paid (tests/permits/test_payments.py)
    payment_record_staff(actor=world.users["caseworker_a"], public_id=permit.public_id)
    approved.refresh_from_db()
    assert approved.valid_from == today
    assert approved.valid_until in (today + dt.timedelta(days=364), today + dt.timedelta(days=365))
    with pytest.raises(Exception):  # noqa: B017 - other commune's staff do not see it
        parking_decide(actor=world.users["caseworker_b"], public_id=permit.public_id, status="rejected")


def test_parking_api_refusal_names_the_nearest_zone(client):
    response = client.post(
        "/api/v1/parking-permits/",
        {
            "lon": 13.7550,
            "lat": 51.0520,
            "licence_plate": "DD-AB 1",
            "name": "X",
            "email": "x@example.org",
            "address": "Altmarkt 1",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Johannstadt-Nord" in response.json()["detail"]
    assert "DD-AB" not in response.content.decode()


def test_permit_numbers_run_per_zone_and_year(world):
    from domains.permits.models import ParkingPermit as Model

    today = timezone.localdate()
    first = apply_parking(13.7550, 51.0670).permit
    # A number of last year in the same zone does not count towards this year's sequence.
    Model.objects.filter(pk=first.pk).update(permit_number=f"14612000-N1-{today.year - 1}-00007")
    second = apply_parking(13.7560, 51.0670).permit
    approved = parking_decide(
        actor=world.users["caseworker_a"], public_id=second.public_id, status="approved"
    )
    assert approved.permit_number == f"14612000-N1-{today.year}-00001"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("caseworker_a", 200),
        ("admin_a", 200),
        ("caseworker_b", 404),
        ("crew_a", 404),
        ("outsider", 403),
        (None, 401),
    ],
)
def test_staff_permit_detail_is_scoped_and_says_the_phase(client, world, permit, who, code):
    if who:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    response = client.get(f"/api/v1/staff/permits/{permit.public_id}/")
    assert response.status_code == code, response.content
    if code == 200:
        body = response.json()
        assert (body["status"], body["phase"]) == ("submitted", "submitted")
        assert body["applicant_email"]  # staff see the applicant


def test_staff_permit_phase_follows_the_period_after_approval(client, world, permit):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    assert patch(client, world, "caseworker_a", permit, {"status": "approved"}).status_code == 200
    url = f"/api/v1/staff/permits/{permit.public_id}/"
    assert client.get(url).json()["phase"] == "approved"  # not begun yet
    now = timezone.now()
    Permit.objects.filter(pk=permit.pk).update(
        start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1)
    )
    assert client.get(url).json()["phase"] == "active"
    Permit.objects.filter(pk=permit.pk).update(
        start=now - dt.timedelta(days=3), end=now - dt.timedelta(days=1)
    )
    body = client.get(url).json()
    assert (body["status"], body["phase"], body["phase_label"]) == ("approved", "expired", "Abgelaufen")


def test_staff_patch_corrects_period_and_area_and_the_fee_follows(client, world):
    from tests.permits.test_conflicts import apply

    permit = apply(box(), future(3), future(5), kind="geruest")  # priced per m² and day
    before_fee, before_area = permit.fee_total, permit.area_m2
    response = patch(client, world, "caseworker_a", permit, {"end": future(15)})
    assert response.status_code == 200, response.content
    longer = response.json()
    assert Decimal(longer["fee_total"]) > before_fee and Decimal(longer["area_m2"]) == before_area
    response = patch(client, world, "caseworker_a", permit, {"geometry": box(width=0.0004)})
    assert response.status_code == 200, response.content
    wider = response.json()
    assert Decimal(wider["area_m2"]) > before_area and Decimal(wider["fee_total"]) > Decimal(
        longer["fee_total"]
    )
    permit.refresh_from_db()
    assert permit.status == "submitted" and permit.area_m2 == Decimal(wider["area_m2"])


def test_staff_patch_correction_and_decision_in_one_transaction(client, world, permit):
    end_before = permit.end
    # "submitted" → "submitted" is no valid move: the correction sent with it is undone as well
    refused = patch(client, world, "caseworker_a", permit, {"end": future(15), "status": "submitted"})
    assert refused.status_code == 409
    permit.refresh_from_db()
    assert permit.end == end_before
    both = patch(client, world, "caseworker_a", permit, {"end": future(15), "status": "approved"})
    assert both.status_code == 200, both.content
    assert both.json()["status"] == "approved"
    after = patch(client, world, "caseworker_a", permit, {"end": future(20)})
    assert after.status_code == 400
    assert "Nach der Entscheidung" in after.json()["detail"]
    assert patch(client, world, "caseworker_a", permit, {}).status_code == 400
    assert patch(client, world, "caseworker_a", permit, {"conditions": "x"}).status_code == 400
