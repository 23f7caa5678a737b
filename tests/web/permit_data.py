"""Permit data for the page tests: inputs as a browser sends them, and approved permits made through the
services the way a caseworker of Dresden would (never by writing rows directly)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from domains.permits.models import Permit
from domains.permits.services import PermitDraft, permit_create, permit_decide
from interfaces.web.templatetags.web_tags import euro
from kernel.organisations.services import commune_organisation, membership_set
from tests.permits.helpers import NEUSTADT

# What applicants must never find on a public page or in the public layer.
SECRET_APPLICANT = {
    "name": "Gerda Geheim",
    "organisation": "Verschwiegen Gerüstbau GmbH",
    "email": "gerda@verschwiegen.example",
    "phone": "+49 351 9876543",
    "address": "Heimlichweg 7, 01099 Dresden",
}
SECRETS = ["Gerda", "Geheim", "Verschwiegen", "verschwiegen.example", "9876543", "Heimlichweg"]


def local_input(days: int, hour: int = 8) -> str:
    """A ``datetime-local`` value (Europe/Berlin wall time), ``days`` from today."""
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def euro_de(value: object) -> str:
    """An amount as the German pages show it (whatever language an earlier request left active)."""
    with translation.override("de"):
        return euro(value)


def geojson_text(geometry: dict = NEUSTADT) -> str:
    return json.dumps(geometry)


def caseworker():
    user, _ = get_user_model().objects.get_or_create(username="sb-dresden")
    membership_set(
        actor=None, organisation=commune_organisation("14612000"), username=user.username, role="caseworker"
    )
    return user


def approved_permit(
    *, start: object, end: object, geometry: dict = NEUSTADT, kind: str = "geruest", **decision: str
) -> Permit:
    """An application by SECRET_APPLICANT, approved by a Dresden caseworker (``decision``: conditions,
    public_note, internal_note)."""
    created = permit_create(
        draft=PermitDraft(
            kind=kind,
            geometry=geometry,
            start=start,
            end=end,
            applicant=dict(SECRET_APPLICANT),
            channel="web",
        )
    )
    return permit_decide(
        actor=caseworker(), public_id=created.permit.public_id, status="approved", **decision
    )
