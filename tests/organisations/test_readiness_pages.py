"""The go-live pages (issue 29.6): the admin's checklist and test mail, the confirm link (signed; wrong,
expired or outdated → a German 400), the public sentence while "in Vorbereitung", and the operator page
(superusers only, filters, CSV, a constant number of queries)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import Organisation, OrganisationKind
from kernel.organisations.recipient_confirmation import SALT, confirmation_token
from tests.staff_world import PASSWORD, login

READINESS = "/verwaltung/einstellungen/startklar/"


def _confirm_link(mail: OutgoingMail) -> str:
    return re.search(r"https?://\S+/verwaltung/empfang-bestaetigen/\S+/", mail.body).group(0)


def test_the_checklist_lists_each_point_with_a_link(client, world):
    login(client, "admin_a")
    body = client.get(READINESS).content.decode()
    assert "in Vorbereitung" in body
    for label in ("Empfangsadresse bestätigt", "Kategorien geprüft", "Aufbewahrungsfristen bestätigt"):
        assert label in body
    assert 'href="/verwaltung/einstellungen/kategorien/?organisation=' in body
    assert "(optional)" in body  # the embed origins


def test_the_test_mail_and_its_link_confirm_the_address(client, world):
    login(client, "admin_a")
    response = client.post(f"{READINESS}?organisation={world.dresden.pk}", {"action": "send_test"})
    assert response.status_code == 302
    mail = OutgoingMail.objects.get(kind="organisation.recipient_test")
    assert mail.to == "maengel@dresden.example"
    link = _confirm_link(mail)
    client.logout()  # whoever reads the mailbox confirms, no sign-in
    path = link[link.index("/verwaltung/") :]
    page = client.get(path)
    assert page.status_code == 200 and "Empfang bestätigen" in page.content.decode()
    world.dresden.refresh_from_db()
    assert not world.dresden.email_confirmed, "opening the link (a mail scanner) confirms nothing"
    done = client.post(path)
    assert done.status_code == 200 and "ist für Dresden bestätigt" in done.content.decode()
    world.dresden.refresh_from_db()
    assert world.dresden.email_confirmed and world.dresden.email_confirmed_at


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda org: confirmation_token(org)[:-3] + "xyz", "ungültig"),
        (lambda org: signing.dumps({"o": org.pk, "e": org.email}, salt="other"), "ungültig"),
        (lambda org: signing.dumps({"o": org.pk, "e": "alt@dresden.example"}, salt=SALT), "geändert"),
    ],
    ids=["tampered", "other-salt", "address-changed"],
)
def test_a_wrong_link_is_a_german_400_and_confirms_nothing(client, world, make_token, message):
    path = reverse("staff:recipient-confirm", args=[make_token(world.dresden)])
    response = client.post(path)
    assert response.status_code == 400
    assert message in response.content.decode()
    world.dresden.refresh_from_db()
    assert not world.dresden.email_confirmed


def test_an_expired_link_says_so(client, world, monkeypatch):
    token = confirmation_token(world.dresden)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 8 * 86400)
    response = client.post(reverse("staff:recipient-confirm", args=[token]))
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()


def test_the_services_switches_and_the_category_review(client, world):
    login(client, "admin_a")
    org = world.dresden.pk
    client.post(
        f"/verwaltung/einstellungen/?organisation={org}", {"form": "services", "permits_enabled": "on"}
    )
    world.dresden.refresh_from_db()
    assert world.dresden.permits_enabled and not world.dresden.parking_enabled
    assert "Gebührentarif" in client.get(READINESS).content.decode()
    client.post("/verwaltung/einstellungen/kategorien/", {"organisation": org, "action": "reviewed"})
    body = client.get(READINESS).content.decode()
    assert re.search(r"Kategorien geprüft.*?</th>\s*<td>erledigt", body, re.S)


def test_public_pages_say_so_while_in_preparation(client, world):
    form = reverse("web:report-new") + "?gemeinde=14612000"
    detail = reverse("web:commune-detail", args=["14612000"])
    assert "in-vorbereitung" in client.get(form).content.decode()
    assert "in-vorbereitung" in client.get(detail).content.decode()
    from tests.organisations.test_readiness import _make_ready

    _make_ready(world)
    assert "in-vorbereitung" not in client.get(form).content.decode()
    assert "in-vorbereitung" not in client.get(detail).content.decode()


# --- operator page ---------------------------------------------------------------------------------


@pytest.fixture
def operator(db):
    user = get_user_model().objects.create_superuser("betrieb", "betrieb@example.org", PASSWORD)
    TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    return user


@pytest.mark.parametrize("username", ["admin_a", "caseworker_a", "outsider"])
def test_the_operator_page_is_closed_to_everybody_else(client, world, username):
    login(client, username)
    assert client.get("/verwaltung/betrieb/").status_code == 403
    assert client.get("/verwaltung/betrieb/organisationen.csv").status_code == 403


def test_the_operator_page_needs_a_signed_in_operator_with_second_factor(client, world, operator):
    assert client.get("/verwaltung/betrieb/").status_code == 302  # to the login
    client.force_login(operator)  # no code entered in this session
    response = client.get("/verwaltung/betrieb/")
    assert response.status_code == 302 and "zwei-faktor" in response["Location"]


def test_the_operator_filters_and_downloads(client, world, operator):
    login(client, "betrieb")
    body = client.get("/verwaltung/betrieb/", {"q": "dres"}).content.decode()
    assert 'row">Dresden<' in body and 'row">Leipzig<' not in body
    assert "Empfangsadresse bestätigt" in body
    body = client.get("/verwaltung/betrieb/", {"state": "ready"}).content.decode()
    assert 'row">Dresden<' not in body and "Keine Organisation passt" in body
    body = client.get("/verwaltung/betrieb/", {"missing": "admin", "q": "Leipzig"}).content.decode()
    assert 'row">Leipzig<' in body
    body = client.get("/verwaltung/betrieb/", {"missing": "admin", "q": "Dresden"}).content.decode()
    assert 'row">Dresden<' not in body  # Dresden's admin has a second factor
    csv = b"".join(
        client.get("/verwaltung/betrieb/organisationen.csv", {"missing": "admin"}).streaming_content
    )
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Organisation;Art;Schlüssel;Stand;Es fehlt")
    assert "Leipzig;Gemeinde;14713000;in Vorbereitung;" in text and "\nDresden;" not in text
    assert len(text.splitlines()) > 51, "the download is not paginated"


@pytest.mark.parametrize(
    "params", [{"state": "fertig"}, {"district": "14a"}, {"missing": "nichts"}, {"q": "x" * 101}]
)
def test_bad_filters_are_a_german_400(client, world, operator, params):
    login(client, "betrieb")
    response = client.get("/verwaltung/betrieb/", params)
    assert response.status_code == 400
    assert re.search("Unbekannt|Ziffern|Zeichen", response.content.decode())
    assert client.get("/verwaltung/betrieb/organisationen.csv", params).status_code == 400


def test_the_operator_page_takes_the_same_queries_for_more_organisations(client, world, operator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, "betrieb")
    client.get("/verwaltung/betrieb/")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/verwaltung/betrieb/").status_code == 200
    Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.COMMUNE, name=f"Testgemeinde {i}", ags=f"9{i:07d}")
        for i in range(120)
    )
    with CaptureQueriesContext(connection) as after:
        body = client.get("/verwaltung/betrieb/", {"seite": "2"}).content.decode()
    assert "Seite 2 von" in body
    assert len(after.captured_queries) == len(before.captured_queries)
