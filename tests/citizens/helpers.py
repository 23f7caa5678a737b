"""Claims of the test person Erika and the provider entry the account tests configure."""

from __future__ import annotations

from domains.permits.services import parking_apply

CLAIMS = {
    "sub": "erika",
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "email_verified": True,
    "address": {"street_address": "Alaunstraße 1", "postal_code": "01099", "locality": "Dresden"},
}
APP = {
    "provider_id": "testkonto",
    "name": "Testkonto",
    "client_id": "c",
    "secret": "s",
    "settings": {"server_url": "http://127.0.0.1:9"},
}


def erika_parking(**extra):
    """A parking permit application of Erika (her claims' name and address)."""
    values = dict(lon=13.7550, lat=51.0670, licence_plate="DD-QZ 77", name="Erika Mustermann")
    values.update(email="erika@example.org", address="Alaunstraße 1")
    return parking_apply(**{**values, **extra}).permit
