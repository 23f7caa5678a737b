"""Recovery codes (issue 25, item 13): ten one-time codes for a lost device, shown once, stored hashed,
made only with a fresh TOTP code; each signs in once instead of the app's code, throttled like it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.organisations.models import AuditEvent, RecoveryCode
from kernel.organisations.recovery_codes import recovery_codes_generate
from tests.staff.test_second_factor import code, password_step
from tests.staff_world import PASSWORD, confirmed_second_factor, login

pytestmark = pytest.mark.django_db

PAGE = "/verwaltung/zwei-faktor/wiederherstellungscodes/"
SECOND_FACTOR = "/verwaltung/zwei-faktor/"
SETTINGS = "/verwaltung/einstellungen/"
CODE_STEP = "/anmelden/code/"
SHOWN = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")


@pytest.fixture(autouse=True)
def no_waiting_between_codes(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def device_of(username: str) -> TOTPDevice:
    return TOTPDevice.objects.get(user__username=username, confirmed=True)


def generate(client, username: str, step: int = 0) -> list[str]:
    response = client.post(PAGE, {"code": code(device_of(username), step=step)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = SHOWN.findall(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def stored_text() -> str:
    """Every column of every stored code as Postgres prints it: what a database dump would show."""
    with connection.cursor() as cur:
        cur.execute("SELECT string_agg(r::text, ' ') FROM organisations_recoverycode r")
        return cur.fetchone()[0] or ""


def test_an_admin_makes_ten_codes_that_are_shown_once_and_stored_only_hashed(client, world):
    login(client, "admin_a")
    first = client.get(PAGE).content.decode()
    assert "keine unbenutzten Wiederherstellungscodes" in first
    codes = generate(client, "admin_a")
    assert RecoveryCode.objects.filter(user=world.users["admin_a"], used__isnull=True).count() == 10
    dump = stored_text()
    for shown in codes:
        assert shown not in dump and shown.replace("-", "") not in dump
        assert shown.replace("-", "").lower() not in dump.lower()
    again = client.get(PAGE).content.decode()
    assert "Noch <strong>10</strong> von 10 Codes sind unbenutzt." in again
    assert not SHOWN.search(again)  # shown once: never again
    assert "noch 10 unbenutzte Codes" in client.get(SECOND_FACTOR).content.decode()
    event = AuditEvent.objects.get(action="second_factor.recovery_codes")
    assert event.actor == world.users["admin_a"] and event.organisation == world.dresden


def test_making_codes_needs_the_current_app_code(client, world):
    login(client, "admin_a")
    wrong = client.post(PAGE, {"code": "12345x"}, follow=True)
    assert "Der Code ist falsch" in wrong.content.decode() and not SHOWN.search(wrong.content.decode())
    assert client.post(PAGE, {"code": ""}).status_code == 302
    assert not RecoveryCode.objects.exists()


def test_a_session_not_confirmed_with_the_code_cannot_make_codes(client, world):
    client.force_login(world.users["admin_a"])  # password only
    response = client.post(PAGE, {"code": code(device_of("admin_a"))})
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR)
    assert not RecoveryCode.objects.exists()


def test_without_a_device_there_are_no_codes(client, world):
    login(client, "caseworker_a")
    response = client.post(PAGE, {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == SECOND_FACTOR
    assert not RecoveryCode.objects.exists()
    login(client, "outsider")  # no staff role at all
    assert client.get(PAGE).status_code == 403


def test_a_recovery_code_signs_in_once(client, world):
    codes = recovery_codes_generate(user=world.users["admin_a"])
    password_step(client, "admin_a")
    ok = client.post(CODE_STEP, {"recovery_code": codes[3].lower().replace("-", " ")})
    assert ok.status_code == 302 and ok["Location"].startswith(f"{SECOND_FACTOR}?")
    assert "neu=1" in ok["Location"]  # straight to setting up a new device
    assert "9 Codes sind noch unbenutzt" in client.get(ok["Location"]).content.decode()
    assert client.get(SETTINGS).status_code == 200  # the session counts as confirmed
    used = AuditEvent.objects.get(action="second_factor.recovery_used")
    assert used.actor == world.users["admin_a"] and used.data == {"left": 9}
    client.logout()

    password_step(client, "admin_a")
    again = client.post(CODE_STEP, {"recovery_code": codes[3]})
    assert again.status_code == 400 and "schon verwendet" in again.content.decode()
    assert client.get("/verwaltung/").status_code == 302
    assert client.post(CODE_STEP, {"recovery_code": codes[4]}).status_code == 302  # the others still work


def test_new_codes_make_the_old_ones_useless(client, world):
    login(client, "admin_a")
    old = generate(client, "admin_a", step=0)
    new = generate(client, "admin_a", step=1)
    assert RecoveryCode.objects.count() == 10
    client.logout()
    password_step(client, "admin_a")
    assert client.post(CODE_STEP, {"recovery_code": old[0]}).status_code == 400
    assert client.post(CODE_STEP, {"recovery_code": new[0]}).status_code == 302


def test_wrong_recovery_codes_send_back_to_the_password_and_count_towards_the_lockout(client, world):
    codes = recovery_codes_generate(user=world.users["admin_a"])
    password_step(client, "admin_a")
    for _ in range(2):
        wrong = client.post(CODE_STEP, {"recovery_code": "AAAA-BBBB-CCCC-DDDD"}, REMOTE_ADDR="10.0.0.1")
        assert wrong.status_code == 400 and "Wiederherstellungscode ist falsch" in wrong.content.decode()
    last = client.post(CODE_STEP, {"recovery_code": "AAAA-BBBB-CCCC-DDDD"}, REMOTE_ADDR="10.0.0.1")
    assert last.status_code == 302 and last["Location"] == "/anmelden/"
    password_step(client, "admin_a")
    assert client.post(CODE_STEP, {"recovery_code": "kein Code"}, REMOTE_ADDR="10.0.0.1").status_code == 400
    locked = client.post(CODE_STEP, {"recovery_code": "x" * 5000}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429 and "vorübergehend gesperrt" in locked.content.decode()
    assert password_step(client, "admin_a").status_code == 429
    after = client.post(CODE_STEP, {"recovery_code": codes[0]}, REMOTE_ADDR="10.0.0.1")
    assert after.status_code == 302 and after["Location"] == "/anmelden/"
    assert client.get(SETTINGS).status_code == 302
    assert RecoveryCode.objects.filter(used__isnull=False).count() == 0  # no code spent while locked


def test_an_operator_who_lost_the_device_reaches_the_admin_with_a_recovery_code(client, db):
    operator = get_user_model().objects.create_superuser("betrieb", "betrieb@example.org", PASSWORD)
    confirmed_second_factor("betrieb")
    codes = recovery_codes_generate(user=operator)
    client.post(
        "/anmelden/?next=/admin/",
        {"username": "betrieb", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.1",
    )
    signed_in = client.post(CODE_STEP, {"recovery_code": codes[0]})
    assert signed_in["Location"].startswith(SECOND_FACTOR)  # no membership, still allowed there
    assert client.get(signed_in["Location"]).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.get(action="second_factor.recovery_used").organisation is None
