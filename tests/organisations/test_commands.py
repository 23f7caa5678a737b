"""``add_staff`` and ``issue_token``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from kernel.organisations.models import Membership

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_staff_creates_user_and_membership_and_issue_token_prints_a_working_token(client):
    out = run(
        "add_staff",
        "--ags",
        "14612000",
        "--role",
        "caseworker",
        "--username",
        "erika",
        "--email",
        "erika@dresden.example",
        "--password",
        "lange-sichere-Passphrase-7",
    )
    assert "Sachbearbeitung bei Dresden" in out
    user = get_user_model().objects.get(username="erika")
    assert user.check_password("lange-sichere-Passphrase-7") and user.email == "erika@dresden.example"
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.ags, membership.role, membership.active) == (
        "14612000",
        "caseworker",
        True,
    )

    token = run("issue_token", "erika", "--name", "Fachverfahren").strip()
    assert token.startswith("mm_") and len(token) == 67
    response = client.get("/api/v1/staff/reports/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    second = run("issue_token", "erika", "--name", "Skript").strip()
    assert second != token
    run("issue_token", "erika", "--revoke", "Fachverfahren")
    assert client.get("/api/v1/staff/reports/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert client.get("/api/v1/staff/reports/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 200


def test_add_staff_changes_the_role_of_an_existing_member():
    run(
        "add_staff",
        "--ags",
        "14612000",
        "--role",
        "crew",
        "--username",
        "kai",
        "--team",
        "Kolonne 1",
        "--password",
        "lange-sichere-Passphrase-7",
    )
    run("add_staff", "--ags", "14612000", "--role", "admin", "--username", "kai")
    membership = Membership.objects.get(user__username="kai")
    assert membership.role == "admin"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "--ags",
                "99999999",
                "--role",
                "crew",
                "--username",
                "x",
                "--password",
                "lange-sichere-Passphrase-7",
            ],
            "Keine",
        ),
        (
            ["--ags", "14612000", "--role", "crew", "--username", "x", "--password", "123"],
            "Passwort ungeeignet",
        ),
    ],
)
def test_add_staff_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        run("add_staff", *args)
    assert not get_user_model().objects.filter(username="x").exists()


def test_issue_token_needs_a_staff_member():
    get_user_model().objects.create_user("nobody", password="x")
    with pytest.raises(CommandError, match="keiner Organisation"):
        run("issue_token", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="Kein aktiver"):
        run("issue_token", "ghost", "--name", "x")
