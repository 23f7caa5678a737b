"""/datenschutz/ states what is stored, why and how long (the defaults, and communes' own periods), and
who answers requests: the commune and the platform operator from the settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env, platform_operator
from kernel.organisations.models import Organisation
from kernel.organisations.retention_periods import organisation_set_retention

pytestmark = pytest.mark.django_db


def test_privacy_page_states_the_default_periods(client):
    html = client.get("/datenschutz/").content.decode()
    assert "90 Tage nach Abschluss der Meldung" in html
    assert "30 Tage" in html
    assert "6 Jahre nach Ende der Sondernutzung" in html
    assert "1 Jahr(e) nach Ablauf des Ausweises" in html
    assert "eigene Fristen" in html
    assert "Art. 15 DSGVO" in html and "Art. 17 DSGVO" in html


def test_privacy_page_names_the_platform_operator_from_settings(client, settings):
    settings.PLATFORM_OPERATOR_NAME = "Kommunales Rechenzentrum Sachsen"
    settings.PLATFORM_OPERATOR_EMAIL = "datenschutz@krz.example"
    settings.PLATFORM_OPERATOR_ADDRESS = "Musterstraße 1\n01067 Dresden"
    html = client.get("/datenschutz/").content.decode()
    assert "Kommunales Rechenzentrum Sachsen" in html
    assert 'href="mailto:datenschutz@krz.example"' in html
    assert "Musterstraße 1<br>01067 Dresden" in html


def test_privacy_page_lists_communes_with_their_own_periods(client):
    dresden = Organisation.objects.get(kind="commune", ags="14612000")
    organisation_set_retention(
        actor=None,
        organisation=dresden,
        values={
            "retention_report_contact_days": 30,
            "retention_support_days": 30,
            "retention_permit_years": 6,
            "retention_parking_years": 1,
        },
    )
    html = client.get("/datenschutz/").content.decode()
    assert f"{dresden.name}: Kontaktdaten 30 Tage" in html


def test_privacy_page_in_english(client):
    html = client.get("/datenschutz/", {"lang": "en"}).content.decode()
    assert "90 days after the report was closed" in html


def test_operator_settings_come_from_the_environment_and_fail_loudly():
    env = Env(
        environ={
            "PLATFORM_OPERATOR_NAME": " KRZ ",
            "PLATFORM_OPERATOR_EMAIL": "dsb@krz.example",
            "PLATFORM_OPERATOR_ADDRESS": "Weg 1\\n01067 Dresden",
        }
    )
    assert platform_operator(env) == {
        "name": "KRZ",
        "email": "dsb@krz.example",
        "address": "Weg 1\n01067 Dresden",
    }
    with pytest.raises(ImproperlyConfigured, match="PLATFORM_OPERATOR_EMAIL"):
        platform_operator(Env(environ={"PLATFORM_OPERATOR_EMAIL": "keine adresse"}))
