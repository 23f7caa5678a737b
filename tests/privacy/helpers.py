"""Cases with personal data for the retention and request tests, made through the services."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model

from domains.permits.services import (
    PermitDraft,
    Upload,
    parking_apply,
    parking_decide,
    permit_create,
    permit_decide,
)
from domains.permits.services.payments import payment_record_staff
from kernel.organisations.services import membership_set
from tests.factories import jpeg_bytes, make_report
from tests.permits.helpers import NEUSTADT, applicant, future

PERSON = "rita@example.org"


def caseworker(organisation):
    username = f"sachbearbeitung-{organisation.pk}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = get_user_model().objects.create_user(username=username, password="ein-sicheres-Passwort-42")
        membership_set(actor=None, organisation=organisation, username=username, role="caseworker")
    return user


def reported(email: str = PERSON, **extra):
    return make_report(email=email, name="Rita Rad", phone="+49 351 987654", **extra).report


def applied_permit(email: str = PERSON):
    data = jpeg_bytes()
    permit = permit_create(
        draft=PermitDraft(
            kind="geruest",
            geometry=NEUSTADT,
            start=future(10),
            end=future(20, 18),
            applicant=applicant(email=email),
            attachments=[Upload(file=io.BytesIO(data), name="plan.jpg", size=len(data))],
        )
    ).permit
    return permit


def approve_permit(permit):
    return permit_decide(actor=caseworker(permit.organisation), public_id=permit.public_id, status="approved")


def applied_parking(email: str = PERSON):
    return parking_apply(
        lon=13.7550,
        lat=51.0670,
        licence_plate="DD-XY 42",
        name="Rita Rad",
        email=email,
        address="Alaunstraße 1, 01099 Dresden",
    ).permit


def decide_parking(permit, status: str, *, paid: bool = True):
    """Decide; an approval is paid at once (by staff), so the permit is valid as before fees were due."""
    actor = caseworker(permit.organisation)
    reasons = "Kein Wohnsitz im Gebiet." if status == "rejected" else ""  # a refusal needs its reasons
    decided = parking_decide(actor=actor, public_id=permit.public_id, status=status, public_note=reasons)
    if status == "approved" and paid:
        payment_record_staff(actor=actor, public_id=permit.public_id)
        decided.refresh_from_db()
    return decided
