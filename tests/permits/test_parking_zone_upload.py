"""Parking zones by upload (issue 29 item 4): draft, column choice, territory check, publish, scoping."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domains.permits.models import ParkingPermit, ParkingZone, ParkingZoneDraft
from domains.permits.services import parking_decide
from domains.permits.services.parking_zones import (
    parking_zones_choose_columns,
    parking_zones_publish,
    parking_zones_review,
    parking_zones_upload,
)
from domains.permits.services.payments import payment_record_staff
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import Forbidden
from kernel.organisations.services import membership_set
from tests.permits.test_staff_and_parking import apply_parking
from tests.staff_world import _user

pytestmark = pytest.mark.django_db

# Dresden's Äußere Neustadt, a box of ~1.4 km × 1.1 km around the demo zone N1 (WGS84).
NEUSTADT = [[13.745, 51.060], [13.765, 51.060], [13.765, 51.070], [13.745, 51.070], [13.745, 51.060]]
# Straddles the Dresden–Radebeul border west of Dresden (13.66741, 51.09463).
BORDER = [[13.6660, 51.0940], [13.6690, 51.0940], [13.6690, 51.0955], [13.6660, 51.0955], [13.6660, 51.0940]]


def zone_file(*zones: tuple[list, dict]) -> SimpleUploadedFile:
    features = [
        {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        for ring, props in zones
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return SimpleUploadedFile("zonen.geojson", data, content_type="application/geo+json")


def upload(world, *zones):
    return parking_zones_upload(
        actor=world.users["admin_a"], organisation=world.dresden, uploaded_file=zone_file(*zones)
    )


def zones_state() -> list[tuple]:
    return list(ParkingZone.objects.order_by("pk").values_list("pk", "code", "active", "valid_to"))


def test_upload_guesses_the_columns_and_review_shows_name_fee_and_area(world):
    draft = upload(world, (NEUSTADT, {"Bezeichnung": "Neustadt", "Kennung": "NS", "Gebuehr": "45,50"}))
    assert (draft.name_column, draft.code_column, draft.fee_column) == ("Bezeichnung", "Kennung", "Gebuehr")
    assert draft.source_epsg == 4326 and draft.file_format == "GeoJSON"
    [review] = parking_zones_review(draft)
    assert (review.name, review.code, review.fee, review.problems) == ("Neustadt", "NS", Decimal("45.50"), [])
    assert 1_400_000 < review.area_m2 < 1_700_000 and review.outside_m2 == 0
    assert AuditEvent.objects.filter(action="parking_zones.upload", organisation=world.dresden).count() == 1


def test_zone_across_the_commune_border_names_the_square_metres_outside(world):
    draft = upload(world, (NEUSTADT, {"name": "Neustadt"}), (BORDER, {"name": "Grenzweg"}))
    reviews = parking_zones_review(draft)
    assert reviews[0].problems == []
    [problem] = reviews[1].problems
    assert problem.startswith("Gebiet Nr. 2 „Grenzweg“ liegt mit ")
    assert "m² außerhalb des Gemeindegebiets von Dresden" in problem
    before = zones_state()
    with pytest.raises(ValidationFailed) as refused:
        parking_zones_publish(actor=world.users["admin_a"], draft=draft)
    assert refused.value.errors["publish"] == [problem]
    assert zones_state() == before and ParkingZoneDraft.objects.filter(pk=draft.pk).exists()


def test_unknown_column_and_bad_fee_and_duplicate_codes_are_refused(world):
    draft = upload(
        world, (NEUSTADT, {"name": "A", "nr": 1, "fee": "viel"}), (NEUSTADT, {"name": "B", "nr": 1})
    )
    with pytest.raises(ValidationFailed, match="keine Spalte „gebühr“"):
        parking_zones_choose_columns(
            actor=world.users["admin_a"],
            draft=draft,
            name_column="name",
            code_column="nr",
            fee_column="gebühr",
        )
    problems = [p for r in parking_zones_review(draft) for p in r.problems]
    assert "Gebiet Nr. 1: Die Gebühr „viel“ ist kein Betrag zwischen 0 und 10.000 €." in problems
    assert "Gebiet Nr. 2: Die Kennung „1“ hat schon Gebiet Nr. 1." in problems


def test_publish_ends_the_old_zones_and_issued_permits_stay_valid(world):
    issued = apply_parking(13.7550, 51.0670).permit
    parking_decide(actor=world.users["caseworker_a"], public_id=issued.public_id, status="approved")
    payment_record_staff(actor=world.users["caseworker_a"], public_id=issued.public_id)
    issued.refresh_from_db()
    old_zone, valid_until = issued.zone, issued.valid_until
    old_codes = set(ParkingZone.objects.filter(ags="14612000", active=True).values_list("code", flat=True))

    draft = upload(world, (NEUSTADT, {"name": "Neustadt neu", "code": "N1", "gebuehr": 40}))
    [zone] = parking_zones_publish(actor=world.users["admin_a"], draft=draft)

    today = timezone.localdate()
    old_zone.refresh_from_db()
    assert (old_zone.active, old_zone.valid_to) == (False, today)  # ended, not deleted
    issued.refresh_from_db()
    assert (issued.zone_id, issued.valid_until, issued.status) == (old_zone.pk, valid_until, "approved")
    assert list(ParkingZone.objects.filter(ags="14612000", active=True)) == [zone]
    assert (zone.code, zone.name, zone.fee, zone.valid_from) == (
        "N1",
        "Neustadt neu",
        Decimal("40.00"),
        today,
    )
    assert not ParkingZoneDraft.objects.exists()
    event = AuditEvent.objects.get(action="parking_zones.publish")
    assert set(event.data["ended"]) == old_codes and event.data["published"] == ["N1"]

    # New applications land in the new zone, priced by its own fee; numbers go on after the old zone's.
    newer = apply_parking(13.7560, 51.0670).permit
    assert (newer.zone_id, newer.fee) == (zone.pk, Decimal("40.00"))
    approved = parking_decide(actor=world.users["caseworker_a"], public_id=newer.public_id, status="approved")
    assert approved.permit_number == f"14612000-N1-{today.year}-00002"


def test_another_communes_admin_cannot_upload_or_publish_dresdens_zones(world):
    _user("admin_b")
    membership_set(actor=None, organisation=world.leipzig, username="admin_b", role="admin")
    other = world.users["caseworker_a"].__class__.objects.get(username="admin_b")
    with pytest.raises(Forbidden):
        parking_zones_upload(
            actor=other, organisation=world.dresden, uploaded_file=zone_file((NEUSTADT, {"name": "X"}))
        )
    draft = upload(world, (NEUSTADT, {"name": "Neustadt"}))
    before = zones_state()
    with pytest.raises(Forbidden):
        parking_zones_publish(actor=other, draft=draft)
    with pytest.raises(Forbidden):
        parking_zones_publish(actor=world.users["caseworker_a"], draft=draft)  # Dresden, but no admin
    assert zones_state() == before
    assert ParkingPermit.objects.count() == 0
