"""The organisation admin's data-protection pages: retention periods, and Datenschutz-Anfragen (access
and erasure) limited to the organisation's own cases — another commune's admin can neither see nor
erase them, other roles get 403, and refusals change nothing."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from domains.reports.models import Report
from kernel.organisations.models import AuditEvent, Organisation
from kernel.organisations.services import membership_set
from shared.privacy.models import PrivacyRequest
from tests.factories import LEIPZIG
from tests.privacy.helpers import PERSON, reported
from tests.staff_world import PASSWORD, confirmed_second_factor, login

pytestmark = pytest.mark.django_db

URL = "/verwaltung/datenschutz-anfragen/"
RETENTION_URL = "/verwaltung/einstellungen/datenschutz/"


@pytest.fixture
def person(world):
    get_user_model().objects.create_user(username="admin_b", password=PASSWORD)
    membership_set(actor=None, organisation=world.leipzig, username="admin_b", role="admin")
    confirmed_second_factor("admin_b")
    return {"dresden": reported(), "leipzig": reported(lonlat=LEIPZIG)}


def emails(person) -> dict:
    return {key: Report.objects.get(pk=r.pk).reporter_email for key, r in person.items()}


def test_admin_exports_only_the_own_organisations_cases(client, world, person):
    login(client, "admin_a")
    response = client.post(f"{URL}?organisation={world.dresden.pk}", {"email": PERSON, "action": "export"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert [r["public_id"] for r in data["reports"]] == [person["dresden"].public_id]
    assert PrivacyRequest.objects.get().organisation == world.dresden


def test_other_communes_admin_cannot_see_them_even_naming_the_organisation(client, world, person):
    login(client, "admin_b")
    response = client.post(f"{URL}?organisation={world.dresden.pk}", {"email": PERSON, "action": "export"})
    data = json.loads(response.content)
    assert [r["public_id"] for r in data["reports"]] == [person["leipzig"].public_id]
    assert person["dresden"].public_id not in response.content.decode()


def test_admin_erases_within_the_own_organisation_only(client, world, person):
    login(client, "admin_b")
    response = client.post(
        f"{URL}?organisation={world.dresden.pk}", {"email": PERSON, "action": "erase", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert emails(person) == {"dresden": PERSON, "leipzig": ""}
    event = AuditEvent.objects.get(action="report.personal_erased")
    assert event.organisation_id == world.leipzig.pk and event.actor.username == "admin_b"


def test_erase_needs_confirmation(client, world, person):
    login(client, "admin_a")
    client.post(URL, {"email": PERSON, "action": "erase"})
    assert emails(person) == {"dresden": PERSON, "leipzig": PERSON}
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize("who", ["caseworker_a", "crew_a", "caseworker_b"])
def test_other_roles_are_refused_and_nothing_changes(client, world, person, who):
    login(client, who)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"email": PERSON, "action": "erase", "confirm": "yes"})
    assert response.status_code == 403
    assert client.post(URL, {"email": PERSON, "action": "export"}).status_code == 403
    assert emails(person) == {"dresden": PERSON, "leipzig": PERSON}
    assert not PrivacyRequest.objects.exists()


def test_outsider_is_refused(client, world, person):
    login(client, "outsider")
    assert client.post(URL, {"email": PERSON, "action": "erase", "confirm": "yes"}).status_code == 403
    assert emails(person) == {"dresden": PERSON, "leipzig": PERSON}


def test_bad_address_is_a_message_not_an_error(client, world, person):
    login(client, "admin_a")
    response = client.post(URL, {"email": "kein at", "action": "export"}, follow=True)
    assert response.status_code == 200
    assert "gültige E-Mail-Adresse" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_page_lists_the_register_of_the_own_organisation(client, world, person):
    login(client, "admin_a")
    client.post(URL, {"email": PERSON, "action": "erase", "confirm": "yes"})
    page = client.get(URL).content.decode()
    assert "Löschung (Art. 17 DSGVO)" in page and PERSON not in page


def test_admin_sets_retention_periods(client, world):
    login(client, "admin_a")
    page = client.get(RETENTION_URL).content.decode()
    assert "Vorgabe: 90" in page and 'value="90"' in page
    values = {
        "retention_report_contact_days": "60",
        "retention_support_days": "14",
        "retention_permit_years": "10",
        "retention_parking_years": "2",
    }
    assert client.post(f"{RETENTION_URL}?organisation={world.dresden.pk}", values).status_code == 302
    org = Organisation.objects.get(pk=world.dresden.pk)
    assert (org.retention_report_contact_days, org.retention_support_days) == (60, 14)
    assert (org.retention_permit_years, org.retention_parking_years) == (10, 2)
    assert AuditEvent.objects.filter(action="organisation.retention", organisation=org).exists()


@pytest.mark.parametrize("bad", ["0", "9999", "-1", "zehn", ""])
def test_retention_out_of_bounds_is_refused_and_nothing_changes(client, world, bad):
    login(client, "admin_a")
    values = {
        "retention_report_contact_days": bad,
        "retention_support_days": "14",
        "retention_permit_years": "6",
        "retention_parking_years": "1",
    }
    response = client.post(RETENTION_URL, values, follow=True)
    assert "ganze Zahl von 7 bis 730" in response.content.decode()
    org = Organisation.objects.get(pk=world.dresden.pk)
    assert (org.retention_report_contact_days, org.retention_support_days) == (90, 30)


def test_caseworker_cannot_change_retention(client, world):
    login(client, "caseworker_a")
    response = client.post(RETENTION_URL, {"retention_report_contact_days": "7"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world.dresden.pk).retention_report_contact_days == 90
