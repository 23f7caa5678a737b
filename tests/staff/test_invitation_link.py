"""Issue 29, item 1, the pages: the members page invites by e-mail and revokes; the mailed link's page
creates the account (an admin then sets up the second factor before any other page) or asks a signed-in
person to confirm the membership; used, revoked, expired and unknown links are clear German pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.notifications.models import OutgoingMail
from kernel.organisations.email_invitations import invite_by_email
from kernel.organisations.models import AuditEvent, Invitation, Membership
from tests.staff_world import login

pytestmark = pytest.mark.django_db

MEMBERS = "/verwaltung/einstellungen/mitglieder/"
PASSWORD = "Lindenblüte-Elbwiese-7"


def link_of(mail: OutgoingMail) -> str:
    return re.search(r"/verwaltung/einladung/[A-Za-z0-9_-]+/", mail.body).group(0)


def invite(world, role="caseworker", email="neu@dresden.example") -> str:
    invited = invite_by_email(actor=None, organisation=world.dresden, email=email, role=role)
    return f"/verwaltung/einladung/{invited.token}/"


def create_account(client, link, username="nora"):
    return client.post(link, {"username": username, "password": PASSWORD, "password2": PASSWORD})


def test_the_members_page_invites_by_email_lists_and_revokes(client, world):
    login(client, "admin_a")
    response = client.post(
        MEMBERS,
        {"form": "invite", "email": "neu@dresden.example", "role": "crew", "organisation": world.dresden.pk},
        follow=True,
    )
    assert "Einladung an neu@dresden.example verschickt" in response.content.decode()
    page = client.get(MEMBERS).content.decode()
    assert "neu@dresden.example" in page and "Widerrufen" in page
    invitation = Invitation.objects.get(email="neu@dresden.example")
    link = link_of(OutgoingMail.objects.get(kind="staff_invitation"))
    client.post(MEMBERS, {"form": "invite", "revoke": invitation.pk, "organisation": world.dresden.pk})
    assert "Ausstehende Einladungen" not in client.get(MEMBERS).content.decode()
    client.logout()
    gone = client.get(link)
    assert gone.status_code == 410 and "zurückgezogen" in gone.content.decode()


def test_a_bad_address_on_the_members_page_is_a_message_and_nothing_is_stored(client, world):
    login(client, "admin_a")
    response = client.post(
        MEMBERS,
        {"form": "invite", "email": "x@", "role": "crew", "organisation": world.dresden.pk},
        follow=True,
    )
    assert "gültige E-Mail-Adresse" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_new_caseworker_chooses_a_password_and_starts_on_the_queue(client, world):
    link = invite(world)
    page = client.get(link)
    assert page.status_code == 200 and "Konto anlegen" in page.content.decode()
    response = create_account(client, link)
    assert response.status_code == 302 and response["Location"] == "/verwaltung/"
    assert client.get("/verwaltung/").status_code == 200
    assert Membership.objects.get(user__username="nora").organisation == world.dresden


def test_an_invited_admin_sets_up_the_second_factor_before_the_first_page(client, world):
    link = invite(world, role="admin")
    response = create_account(client, link)
    assert response["Location"].startswith("/verwaltung/zwei-faktor/")
    for path in (
        "/verwaltung/",
        "/verwaltung/einstellungen/",
        f"/verwaltung/meldungen/{world.own.public_id}/",
    ):
        refused = client.get(path)
        assert refused.status_code == 302 and refused["Location"].startswith("/verwaltung/zwei-faktor/"), path
    client.get("/verwaltung/zwei-faktor/")  # the enrolment page creates the pending device
    device = TOTPDevice.objects.get(user__username="nora", confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = client.post("/verwaltung/zwei-faktor/", {"code": code, "next": "/verwaltung/", "neu": "1"})
    assert done["Location"] == "/verwaltung/"
    assert client.get("/verwaltung/einstellungen/").status_code == 200
    assert AuditEvent.objects.filter(action="second_factor.enrol", organisation=world.dresden).exists()


def test_bad_input_on_the_link_page_is_a_400_with_the_reason_and_nothing_saved(client, world):
    link = invite(world)
    response = client.post(link, {"username": "nora", "password": "kurz", "password2": "kurz"})
    assert response.status_code == 400 and "zu kurz" in response.content.decode()
    assert not get_user_model().objects.filter(username="nora").exists()
    assert client.get(link).status_code == 200


def test_a_used_link_is_a_410(client, world):
    link = invite(world)
    create_account(client, link)
    client.logout()
    again = create_account(client, link, username="nora2")
    assert again.status_code == 410 and "bereits angenommen" in again.content.decode()
    assert not get_user_model().objects.filter(username="nora2").exists()


def test_an_expired_and_an_unknown_link(client, world):
    link = invite(world)
    Invitation.objects.update(expires=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(link)
    assert expired.status_code == 410 and "abgelaufen" in expired.content.decode()
    unknown = client.get("/verwaltung/einladung/gibt-es-nicht/")
    assert unknown.status_code == 400 and "kennen wir nicht" in unknown.content.decode()


def test_a_member_elsewhere_confirms_the_second_membership_explicitly(client, world):
    link = invite(world, email="b@leipzig.example")
    login(client, "caseworker_b")
    page = client.get(link).content.decode()
    assert "Mitgliedschaft bei Dresden annehmen" in page and "Leipzig" in page
    assert not Membership.objects.filter(user__username="caseworker_b", organisation=world.dresden).exists()
    response = client.post(link, {"action": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user__username="caseworker_b", organisation=world.dresden).active


def test_an_address_with_an_account_is_asked_to_sign_in(client, world):
    user = world.users["caseworker_b"]
    user.email = "b@leipzig.example"
    user.save()
    link = invite(world, email="b@leipzig.example")
    page = client.get(link).content.decode()
    assert "bereits ein Konto" in page and "/anmelden/?next=" in page
    refused = create_account(client, link, username="zweitkonto")
    assert "bereits ein Konto" in refused.content.decode()
    assert not get_user_model().objects.filter(username="zweitkonto").exists()


def test_declining_ends_the_link(client, world):
    link = invite(world)
    response = client.post(link, {"action": "decline"})
    assert "abgelehnt" in response.content.decode()
    assert client.get(link).status_code == 410
    assert AuditEvent.objects.filter(action="membership.decline").exists()


def test_the_link_page_follows_the_visitors_language(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(invite(world)).content.decode()
    assert "Create account" in page and "Repeat password" in page
