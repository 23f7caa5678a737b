"""Staff login: German form, lockout after repeated failures (django-axes), new session on login."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from tests.staff_world import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post("/anmelden/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_works_and_rotates_the_session(client, world):
    client.get("/anmelden/")
    client.cookies["sessionid"] = "angreifer-vorgegeben"
    response = attempt(client, "caseworker_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/verwaltung/"
    assert client.cookies["sessionid"].value != "angreifer-vorgegeben"  # no session fixation
    assert client.get("/verwaltung/").status_code == 200


def test_wrong_password_shows_a_german_message(client, world):
    response = attempt(client, "caseworker_a", "falsch")
    assert response.status_code == 200
    assert "Benutzername oder Passwort sind falsch" in response.content.decode()


@pytest.mark.parametrize("username", ["x" * 300, "9" * 5000])
def test_an_overlong_username_is_the_german_message_not_a_500(client, world, username):
    # Longer than any username can be; django-axes used to store it in a 255-character column (500).
    response = attempt(client, username, "falsch")
    assert response.status_code == 200
    assert "Benutzername oder Passwort sind falsch" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=username[:255]).exists()
    assert attempt(client, "caseworker_a", PASSWORD).status_code == 302  # the form still logs in


def test_five_failures_lock_the_account_for_this_address(client, world, settings):
    for _ in range(5):
        attempt(client, "caseworker_a", "falsch")
    locked = attempt(client, "caseworker_a", PASSWORD)
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()
    assert client.get("/verwaltung/").status_code == 302  # still not logged in
    # Another user from the same address, and the same user from elsewhere, are not locked out.
    assert attempt(client, "admin_a", PASSWORD).status_code == 302
    assert attempt(client, "caseworker_a", PASSWORD, ip="10.9.9.9").status_code == 302


def test_success_resets_the_failure_counter(client, world):
    for _ in range(4):
        attempt(client, "caseworker_a", "falsch")
    assert attempt(client, "caseworker_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "caseworker_a", "falsch")
    assert attempt(client, "caseworker_a", PASSWORD).status_code == 302


def test_password_spraying_from_one_address_locks_that_address(client, world, settings):
    # One wrong guess each for many user names: the per-user counter never fills, the per-address one does.
    settings.AXES_IP_FAILURE_LIMIT = 6
    for n in range(6):
        attempt(client, f"opfer{n}", "Sommer2026!")
    locked = attempt(client, "caseworker_a", PASSWORD)
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()
    assert client.get("/verwaltung/").status_code == 302
    assert attempt(client, "caseworker_a", PASSWORD, ip="10.9.9.9").status_code == 302


def test_one_valid_account_does_not_reset_the_address_counter(client, world, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for n in range(5):
        attempt(client, f"opfer{n}", "Sommer2026!")
    assert attempt(client, "crew_a", PASSWORD).status_code == 302
    client.logout()
    attempt(client, "opfer9", "Sommer2026!")
    assert attempt(client, "admin_a", PASSWORD).status_code == 429


def test_behind_a_proxy_the_lockout_is_per_forwarded_client(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(username, password, forwarded):
        return client.post(
            "/anmelden/",
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(5):
        # A client rotating a self-written first entry still counts as the address the proxy saw.
        via_proxy("caseworker_a", "falsch", f"6.6.6.{n}, 203.0.113.7")
    assert via_proxy("caseworker_a", PASSWORD, "203.0.113.7").status_code == 429
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()
    # Another colleague behind the same proxy logs in.
    assert via_proxy("caseworker_a", PASSWORD, "203.0.113.8").status_code == 302


def test_the_login_page_follows_the_active_language(client, world):
    """Issue 26: in English mode the sign-in page was German; the staff pages behind it stay German."""
    html = client.get("/anmelden/?lang=en&next=/verwaltung/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html and "Username" in html and "Password" in html and "Benutzername" not in html
    assert 'href="/impressum/"' in html and "Legal notice" in html
    assert 'value="/verwaltung/"' in html  # the switch keeps where the person wanted to go
    wrong = attempt(client, "caseworker_a", "falsch").content.decode()  # the cookie keeps English
    assert "The username or password is wrong" in wrong
    german = client.get("/anmelden/?lang=de").content.decode()
    assert '<html lang="de">' in german and "Benutzername" in german


def test_the_locked_out_page_follows_the_active_language(client, world):
    client.get("/anmelden/?lang=en")
    for _ in range(6):
        response = attempt(client, "caseworker_a", "falsch", ip="10.0.0.9")
    assert "Sign-in temporarily blocked" in response.content.decode()
