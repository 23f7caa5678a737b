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
