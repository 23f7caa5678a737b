"""/kontrolle/ (Vollzugsdienst), the revocation list and the card on the applicant's page."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from domains.permits.models import ParkingPermit
from domains.permits.parking_card import b64, card_for_permit, unb64, verification_keys
from domains.permits.services import parking_decide
from kernel.cases.tracking import tracking_token
from kernel.organisations.services import membership_set
from tests.permits.test_staff_and_parking import apply_parking
from tests.privacy.helpers import decide_parking
from tests.staff_world import _user, login

pytestmark = pytest.mark.django_db

OLD_PRIVATE = b64(Ed25519PrivateKey.generate().private_bytes_raw())
OLD_PUBLIC = b64(Ed25519PrivateKey.from_private_bytes(unb64(OLD_PRIVATE)).public_key().public_bytes_raw())
LEGACY_PUBLIC = b64(Ed25519PrivateKey.generate().public_key().public_bytes_raw())


def add_enforcer(world) -> str:
    """A Vollzugsdienst member of Dresden."""
    _user("vollzug_a")
    membership_set(actor=None, organisation=world.dresden, username="vollzug_a", role="enforcement")
    return "vollzug_a"


def approved_and_paid() -> ParkingPermit:
    """A Dresden parking permit, approved and paid (a permit is valid, and has a card, only once paid)."""
    return decide_parking(apply_parking(13.7550, 51.0670).permit, "approved")


@pytest.fixture
def enforcer(world):
    return add_enforcer(world)


@pytest.fixture
def approved(world) -> ParkingPermit:
    return approved_and_paid()


def card(permit: ParkingPermit) -> str:
    permit = ParkingPermit.objects.select_related("zone").get(pk=permit.pk)
    return card_for_permit(permit, today=timezone.localdate())


def verdict(client, **data) -> str:
    response = client.post("/kontrolle/", data)
    text = re.sub(r"\s+", " ", response.content.decode())
    return text[text.index('id="result"') :]


def test_only_enforcement_and_admins_of_a_commune_open_the_page(client, world, enforcer):
    assert client.get("/kontrolle/").status_code == 302  # to the login
    login(client, "caseworker_a")
    assert client.get("/kontrolle/").status_code == 403
    login(client, enforcer)
    response = client.get("/kontrolle/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert verification_keys()[0]["key"] in response.content.decode()
    assert "vendor/jsqr/jsQR.js" in response.content.decode()


def test_enforcement_staff_see_no_cases(client, world, enforcer):
    login(client, enforcer)
    assert world.own.public_id not in client.get("/verwaltung/", follow=True).content.decode()
    assert client.get(f"/verwaltung/meldungen/{world.own.public_id}/").status_code == 403  # no case pages


def test_server_check_without_javascript(client, world, enforcer, approved):
    login(client, enforcer)
    text = card(approved)
    assert "Gültig" in verdict(client, code=text, plate="dd xy 42", zone="N1")
    wrong = verdict(client, code=text, plate="DD-XY 43", zone="N1")
    assert "Ungültig" in wrong and "Das Kennzeichen passt nicht zum Ausweis." in wrong
    assert "Signatur falsch" in verdict(client, code=text[:-3] + "AAA", plate="DD-XY 42")
    response = client.post("/kontrolle/", {"code": text, "plate": "nicht lesbar"})
    assert response.status_code == 400 and "deutsches Kennzeichen" in response.content.decode()


def test_a_withdrawn_permit_is_on_the_revocation_list_and_fails(client, world, enforcer, approved):
    text = card(approved)
    assert client.get("/api/v1/parking-permits/revoked/").json()["revoked"] == []
    parking_decide(actor=world.users["caseworker_a"], public_id=approved.public_id, status="withdrawn")
    body = client.get("/api/v1/parking-permits/revoked/").json()
    assert body["revoked"] == [approved.permit_number]
    login(client, enforcer)
    assert "Der Ausweis wurde widerrufen." in verdict(client, code=text, plate="DD-XY 42")


def test_keys_endpoint_names_every_key_with_its_kid(client, settings):
    settings.PARKING_VERIFY_KEYS = (("2026-06", OLD_PUBLIC), ("legacy", LEGACY_PUBLIC))
    body = client.get("/api/v1/parking-permits/keys/").json()
    current = verification_keys()[0]
    assert body["format"] == "PA1" and body["algorithm"] == "Ed25519"
    assert body["current_kid"] == settings.PARKING_SIGNING_KEY_ID == current["kid"]
    assert body["keys"] == [current["key"], OLD_PUBLIC, LEGACY_PUBLIC]  # as before key ids, current first
    assert [(k["kid"], k["x"]) for k in body["jwks"]["keys"]] == [
        (current["kid"], current["key"]),
        ("2026-06", OLD_PUBLIC),
        ("legacy", LEGACY_PUBLIC),
    ]
    assert {(k["kty"], k["crv"], k["alg"]) for k in body["jwks"]["keys"]} == {("OKP", "Ed25519", "EdDSA")}


def test_a_card_of_a_withdrawn_key_gets_a_clear_message_not_an_error(
    client, settings, world, enforcer, approved
):
    login(client, enforcer)
    current = settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY
    settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY = "alt-1", OLD_PRIVATE
    old = card(approved)
    settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY = current
    settings.PARKING_VERIFY_KEYS = (("alt-1", OLD_PUBLIC),)
    assert "Gültig" in verdict(client, code=old, plate="DD-XY 42")
    settings.PARKING_VERIFY_KEYS = ()
    assert client.post("/kontrolle/", {"code": old, "plate": "DD-XY 42"}).status_code == 200
    refused = verdict(client, code=old, plate="DD-XY 42")
    assert "Ungültig" in refused and "unbekannten Schlüssel signiert (Schlüssel-ID „alt-1“)" in refused


def test_the_applicant_sees_the_card_once_approved_and_paid(client, world, approved):
    url = f"/parkausweis/{approved.public_id}/verfolgen/{tracking_token(ParkingPermit, approved.public_id)}/"
    html = client.get(url).content.decode()
    assert "<svg" in html and card(approved) in html
    pending = apply_parking(13.7550, 51.0670, plate="DD-XY 7").permit
    url = f"/parkausweis/{pending.public_id}/verfolgen/{tracking_token(ParkingPermit, pending.public_id)}/"
    assert "PA1." not in client.get(url).content.decode()
