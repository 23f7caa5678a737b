"""Staff API tokens (issue 15, item 4): stored hashed, named, expiring, revocable by the organisation's
admin (own members only) and by ``manage.py issue_token``; expired or revoked → 401 with a German detail."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from kernel.organisations.models import ApiToken, AuditEvent
from tests.staff_world import login

pytestmark = pytest.mark.django_db

STAFF_API = "/api/v1/staff/reports/"
PAGE = "/verwaltung/einstellungen/api-tokens/"


def api(client, token):
    return client.get(STAFF_API, HTTP_AUTHORIZATION=f"Token {token}")


def issue(*args: str) -> str:
    out = StringIO()
    call_command("issue_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_the_token_is_stored_only_as_a_digest(world):
    token = world.tokens["caseworker_a"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM organisations_apitoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token not in stored and token[15:] not in stored
    assert ApiToken.objects.filter(user=world.users["caseworker_a"]).count() == 1


def test_a_token_expires_after_180_days_by_default_and_90_with_expires(world):
    default = issue("caseworker_a", "--name", "Standard")
    short = issue("caseworker_a", "--name", "Kurz", "--expires", "90d")
    by_name = {t.name: t for t in ApiToken.objects.filter(user=world.users["caseworker_a"])}
    now = timezone.now()
    assert abs(by_name["Standard"].expiry - (now + dt.timedelta(days=180))) < dt.timedelta(minutes=1)
    assert abs(by_name["Kurz"].expiry - (now + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    assert default != short


def test_an_expired_token_is_401_with_a_german_detail(client, world):
    token = world.tokens["caseworker_a"]
    assert api(client, token).status_code == 200
    ApiToken.objects.filter(user=world.users["caseworker_a"]).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )
    response = api(client, token)
    assert response.status_code == 401
    assert "abgelaufen oder widerrufen" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_revoked_by_the_command_is_401_and_audited(client, world):
    token = world.tokens["caseworker_a"]
    assert "1 Token(s)" in issue("caseworker_a", "--revoke", "Test")
    response = api(client, token)
    assert response.status_code == 401 and "widerrufen" in response.json()["detail"]
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.organisation_id == world.dresden.pk and token not in str(event.data)


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \xff"])
def test_a_malformed_token_header_is_401_not_500(client, world, header):
    response = client.get(STAFF_API, HTTP_AUTHORIZATION=header.encode("latin-1").decode("latin-1"))
    assert response.status_code == 401
    assert response.json()["detail"].startswith(("Ungültiger Authorization-Header", "Das API-Token"))


def test_issue_token_refuses_a_bad_lifetime_and_a_missing_name(world):
    with pytest.raises(CommandError, match="keine Dauer"):
        issue("caseworker_a", "--name", "x", "--expires", "3 Monate")
    with pytest.raises(CommandError, match="1 bis 730 Tage"):
        issue("caseworker_a", "--name", "x", "--expires", "9999d")
    with pytest.raises(CommandError, match="--name"):
        issue("caseworker_a")
    assert ApiToken.objects.filter(user=world.users["caseworker_a"]).count() == 1


def test_the_admin_lists_only_tokens_of_own_members(client, world):
    login(client, "admin_a")
    page = client.get(PAGE).content.decode()
    assert "caseworker_a" in page and "crew_a" in page
    assert "caseworker_b" not in page  # Leipzig's member
    assert world.tokens["caseworker_a"] not in page  # the token itself is never shown again


def test_the_admin_revokes_a_members_token(client, world):
    login(client, "admin_a")
    target = ApiToken.objects.get(user=world.users["crew_a"])
    response = client.post(PAGE, {"revoke": target.pk, "organisation": world.dresden.pk})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=target.pk).exists()
    assert api(client, world.tokens["crew_a"]).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=world.users["admin_a"]).count() == 1


def test_an_admin_cannot_revoke_a_token_of_another_organisation(client, world):
    login(client, "admin_a")
    foreign = ApiToken.objects.get(user=world.users["caseworker_b"])
    response = client.post(PAGE, {"revoke": foreign.pk, "organisation": world.leipzig.pk}, follow=True)
    assert "Unbekanntes Token" in response.content.decode()
    assert ApiToken.objects.filter(pk=foreign.pk).exists()
    assert api(client, world.tokens["caseworker_b"]).status_code == 200
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


@pytest.mark.parametrize("who", ["caseworker_a", "crew_a"])
def test_only_admins_see_the_token_page(client, world, who):
    login(client, who)
    assert client.get(PAGE).status_code == 403
    target = ApiToken.objects.get(user=world.users["caseworker_a"])
    assert client.post(PAGE, {"revoke": target.pk}).status_code == 403
    assert ApiToken.objects.filter(pk=target.pk).exists()
