"""Second factor (issue 15, item 5): staff may enrol TOTP; the login asks for the code when a device
exists; organisation admins must enrol before any admin function works. Real codes, computed here."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.organisations.models import AuditEvent, Membership
from tests.staff_world import PASSWORD, login

pytestmark = pytest.mark.django_db

PAGE = "/verwaltung/zwei-faktor/"
SETTINGS = "/verwaltung/einstellungen/"
MEMBERS = "/verwaltung/einstellungen/mitglieder/"


@pytest.fixture(autouse=True)
def no_waiting_between_codes(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's 1, 2, 4 … s delay after a wrong code


def code(device: TOTPDevice, step: int = 0) -> str:
    """The code the authenticator app shows now (step 0) or ``step`` periods later."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step):06d}"


def password_step(client, username: str):
    return client.post("/anmelden/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")


def enrol(client, username: str) -> TOTPDevice:
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "QR-Code" in html  # drawn on the server …
    assert "chart.googleapis" not in html and "<img" not in html  # … not by a QR web service
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    wrong = client.post(PAGE, {"code": "000000" if code(device) != "000000" else "111111"}, follow=True)
    assert "Der Code ist falsch" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user__username=username, confirmed=True).exists()
    assert client.post(PAGE, {"code": code(device), "next": SETTINGS}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_caseworker_enrols_and_then_the_login_asks_for_the_code(client, world):
    login(client, "caseworker_a")
    device = enrol(client, "caseworker_a")
    assert AuditEvent.objects.filter(action="second_factor.enrol", actor=world.users["caseworker_a"]).exists()
    client.logout()

    response = password_step(client, "caseworker_a")
    assert response.status_code == 302 and response["Location"] == "/anmelden/code/"
    assert client.get("/verwaltung/").status_code == 302  # the password alone does not log in
    wrong = client.post("/anmelden/code/", {"code": "12345x"})
    assert wrong.status_code == 400 and "Der Code ist falsch" in wrong.content.decode()
    assert client.get("/verwaltung/").status_code == 302
    ok = client.post("/anmelden/code/", {"code": code(device, step=1)})  # the app's next code
    assert ok.status_code == 302 and ok["Location"] == "/verwaltung/"
    assert client.get("/verwaltung/").status_code == 200


def test_a_code_is_not_accepted_twice(client, world):
    device = TOTPDevice.objects.get(user=world.users["admin_a"])
    used = code(device, step=1)
    password_step(client, "admin_a")
    assert client.post("/anmelden/code/", {"code": used}).status_code == 302
    client.logout()
    password_step(client, "admin_a")
    assert client.post("/anmelden/code/", {"code": used}).status_code == 400
    assert client.get(SETTINGS).status_code == 302


def test_three_wrong_codes_send_back_to_the_password(client, world):
    password_step(client, "admin_a")
    for _ in range(2):
        assert client.post("/anmelden/code/", {"code": "999999x"}).status_code == 400
    last = client.post("/anmelden/code/", {"code": "999999x"})
    assert last.status_code == 302 and last["Location"] == "/anmelden/"
    device = TOTPDevice.objects.get(user=world.users["admin_a"])
    again = client.post("/anmelden/code/", {"code": code(device, step=1)})
    assert again.status_code == 302 and again["Location"] == "/anmelden/"  # the password step is gone
    assert client.get(SETTINGS).status_code == 302


def test_the_code_page_without_a_password_step_logs_nobody_in(client, world):
    device = TOTPDevice.objects.get(user=world.users["admin_a"])
    response = client.post("/anmelden/code/", {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == "/anmelden/"
    assert client.get("/verwaltung/").status_code == 302


def test_an_admin_without_a_device_is_sent_to_enrolment_and_cannot_use_admin_functions(client, world):
    TOTPDevice.objects.filter(user=world.users["admin_a"]).delete()
    response = password_step(client, "admin_a")
    assert response.status_code == 302 and response["Location"].startswith(PAGE)
    # Every admin page sends back to enrolment; a write is not carried out.
    for url in (SETTINGS, MEMBERS, "/verwaltung/einstellungen/api-tokens/"):
        refused = client.get(url)
        assert refused.status_code == 302 and refused["Location"].startswith(PAGE)
    before = list(Membership.objects.values_list("pk", "role", "active"))
    refused = client.post(
        MEMBERS, {"username": "outsider", "role": "admin", "organisation": world.dresden.pk}
    )
    assert refused.status_code == 302 and refused["Location"].startswith(PAGE)
    assert list(Membership.objects.values_list("pk", "role", "active")) == before
    # Ordinary work is not blocked.
    assert client.get("/verwaltung/").status_code == 200

    enrol(client, "admin_a")
    assert client.get(SETTINGS).status_code == 200


def test_an_admin_session_not_confirmed_with_the_code_cannot_use_admin_functions(client, world):
    client.force_login(world.users["admin_a"])  # a session that skipped the code step
    refused = client.get(SETTINGS)
    assert refused.status_code == 302 and refused["Location"].startswith(PAGE)
    device = TOTPDevice.objects.get(user=world.users["admin_a"])
    assert "Bitte bestätigen Sie diese Sitzung" in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"code": code(device, step=1), "next": SETTINGS})["Location"] == SETTINGS
    assert client.get(SETTINGS).status_code == 200


def test_the_login_redirects_only_to_local_pages_after_the_code(client, world):
    client.post(
        "/anmelden/?next=https://boese.example/",
        {"username": "admin_a", "password": PASSWORD, "next": "https://boese.example/"},
        REMOTE_ADDR="10.0.0.1",
    )
    device = TOTPDevice.objects.get(user=world.users["admin_a"])
    response = client.post("/anmelden/code/", {"code": code(device, step=1)})
    assert response.status_code == 302 and response["Location"] == "/verwaltung/"


def test_wrong_codes_count_towards_the_login_lockout(client, world):
    device = TOTPDevice.objects.get(user=world.users["admin_a"])
    password_step(client, "admin_a")
    for _ in range(3):
        client.post("/anmelden/code/", {"code": "999999x"}, REMOTE_ADDR="10.0.0.1")
    password_step(client, "admin_a")
    assert client.post("/anmelden/code/", {"code": "999999x"}, REMOTE_ADDR="10.0.0.1").status_code == 400
    locked = client.post("/anmelden/code/", {"code": "999999x"}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429 and "vorübergehend gesperrt" in locked.content.decode()
    # Locked: neither the password nor a right code gets in from this address.
    assert password_step(client, "admin_a").status_code == 429
    after = client.post("/anmelden/code/", {"code": code(device, step=1)}, REMOTE_ADDR="10.0.0.1")
    assert after.status_code == 302 and after["Location"] == "/anmelden/"
    assert client.get(SETTINGS).status_code == 302
