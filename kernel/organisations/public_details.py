"""What the public may read about the bodies behind the platform: the operator's Impressum (§ 5 DDG,
§ 18 Abs. 2 MStV) and each organisation's contact for citizens.

The operator's row is edited in the Django admin only (the platform operator is no organisation's admin);
an organisation's contact is set by its admins on the staff settings page, through
``organisation_set_contact`` (validated and audited like the letterhead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator

from kernel.core.errors import ValidationFailed
from kernel.notifications.services import email_is_valid
from kernel.organisations.models import Organisation, OrganisationKind, PlatformOperator
from kernel.organisations.scoping import require_admin
from kernel.organisations.services import clean_texts, save_settings

CONTACT_FIELDS = {
    "contact_email": 254,
    "contact_phone": 40,
    "contact_website": 200,
    "contact_address": 400,
    "contact_hours": 400,
    "contact_emergency_phone": 40,
}

# Digits first, then digits, spaces, "+", "-", "/" (a number people dial, no words such as "siehe Website").
EMERGENCY_PHONE_RE = re.compile(r"^\+?[0-9][0-9 /\-]{2,39}$")


def platform_operator() -> PlatformOperator | None:
    """The Impressum's operator, or None while the operator has not entered it."""
    return PlatformOperator.objects.filter(pk=1).first()


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Contact:
    """An organisation's public contact; ``address`` falls back to the letterhead's postal address."""

    name: str
    email: str
    phone: str
    website: str
    address: list[str]
    hours: list[str]

    def __bool__(self) -> bool:
        return bool(self.email or self.phone or self.website or self.address)


def contact_of(organisation: Organisation) -> Contact:
    return Contact(
        name=organisation.letterhead_name or organisation.name,
        email=organisation.contact_email,
        phone=organisation.contact_phone,
        website=organisation.contact_website,
        address=lines(organisation.contact_address or organisation.letterhead_address),
        hours=lines(organisation.contact_hours),
    )


def commune_contact(ags: str) -> Contact | None:
    """The contact of the commune's own organisation (not of bodies with areas inside it), or None."""
    organisation = Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags=ags, active=True).first()
    if organisation is None:
        return None
    return contact_of(organisation) or None


def _contact_values(values: dict[str, Any]) -> dict[str, str]:
    cleaned, errors = clean_texts(values, CONTACT_FIELDS)
    if cleaned["contact_email"] and not email_is_valid(cleaned["contact_email"]):
        errors["contact_email"] = ["Bitte eine gültige E-Mail-Adresse angeben."]
    if cleaned["contact_website"]:
        try:
            URLValidator(schemes=["https", "http"])(cleaned["contact_website"])
        except DjangoValidationError:
            errors["contact_website"] = [
                "Bitte eine Internetadresse der Form https://www.beispiel.de angeben."
            ]
    phone = cleaned["contact_emergency_phone"]
    if phone and not EMERGENCY_PHONE_RE.match(phone):
        errors["contact_emergency_phone"] = [
            "Bitte eine Telefonnummer aus Ziffern, Leerzeichen, +, - und / angeben, z. B. 0351 488-0."
        ]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def organisation_set_contact(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> Organisation:
    """The public contact of the organisation (commune page, footer of its pages). All fields or none are
    saved: a wrong website leaves the old e-mail address too."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    return save_settings(
        actor=actor,
        organisation=organisation,
        cleaned=_contact_values(values),
        action="organisation.contact",
        what="Kontakt",
    )
