"""Issue 29, item 1: invitations by e-mail — a single-use link that expires after 7 days, can be revoked,
stores only a hash of its token, creates an account or asks an existing account to accept explicitly."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from kernel.core.errors import ValidationFailed
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import redact_tracking_links
from kernel.organisations.email_invitations import (
    InvitationGone,
    InvitationUnknown,
    invitation_accept_existing,
    invitation_accept_new,
    invitation_revoke,
    invite_by_email,
)
from kernel.organisations.models import AuditEvent, Invitation, Membership
from kernel.organisations.scoping import Forbidden
from tests.staff_world import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lindenblüte-Elbwiese-7"


def invite(world, role="caseworker", email="neu@dresden.example", actor=None):
    return invite_by_email(
        actor=world.users["admin_a"] if actor is None else actor,
        organisation=world.dresden,
        email=email,
        role=role,
        name="Nora Neu",
    )


def accept_new(token, username="nora", password=NEW_PASSWORD, password2=None):
    return invitation_accept_new(
        token=token,
        username=username,
        password=password,
        password2=password if password2 is None else password2,
    )


def test_the_invitation_mail_carries_the_link_and_only_its_hash_is_stored(world):
    invited = invite(world)
    mail = OutgoingMail.objects.get(kind="staff_invitation")
    assert mail.to == "neu@dresden.example" and "Dresden" in mail.subject
    assert f"/verwaltung/einladung/{invited.token}/" in mail.body and "Sachbearbeitung" in mail.body
    stored = Invitation.objects.get(pk=invited.invitation.pk)
    assert stored.token_hash == hashlib.sha256(invited.token.encode()).hexdigest()
    assert invited.token not in str(Invitation.objects.filter(pk=stored.pk).values().get())
    assert stored.expires - timezone.now() > dt.timedelta(days=6, hours=23)
    assert "[entfernt]" in redact_tracking_links(mail.body)  # delivered mails keep no working link
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.organisation_id == world.dresden.pk and event.actor == world.users["admin_a"]


def test_only_admins_and_the_operator_invite(world):
    with pytest.raises(Forbidden):
        invite(world, actor=world.users["caseworker_a"])
    with pytest.raises(Forbidden):  # Leipzig's caseworker cannot invite into Dresden
        invite(world, actor=world.users["caseworker_b"])
    operator = get_user_model().objects.create_superuser("betrieb", "betrieb@example.org", PASSWORD)
    invite(world, actor=operator, role="admin")
    assert Invitation.objects.filter(role="admin", invited_by=operator).exists()
    assert not OutgoingMail.objects.filter(to__contains="caseworker").exists()


def test_a_bad_address_or_role_is_refused_and_nothing_is_stored(world):
    with pytest.raises(ValidationFailed) as bad:
        invite(world, email="kein-at-zeichen")
    assert "gültige E-Mail-Adresse" in bad.value.message
    with pytest.raises(ValidationFailed):
        invite(world, role="king")
    assert not Invitation.objects.exists()
    assert not OutgoingMail.objects.filter(kind="staff_invitation").exists()


def test_a_new_person_creates_an_account_and_becomes_a_member(world):
    invited = invite(world)
    membership = accept_new(invited.token)
    assert membership.organisation == world.dresden and membership.role == "caseworker"
    user = get_user_model().objects.get(username="nora")
    assert user.check_password(NEW_PASSWORD) and user.email == "neu@dresden.example"
    assert (user.first_name, user.last_name) == ("Nora", "Neu")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invitation.create", "account.create", "membership.accept"} <= actions


def test_a_used_link_is_gone_and_saves_nothing_the_second_time(world):
    invited = invite(world)
    accept_new(invited.token)
    with pytest.raises(InvitationGone) as gone:
        accept_new(invited.token, username="nora2")
    assert gone.value.status_code == 410 and "bereits angenommen" in gone.value.message
    assert not get_user_model().objects.filter(username="nora2").exists()


def test_an_expired_link_is_gone(world):
    invited = invite(world)
    Invitation.objects.filter(pk=invited.invitation.pk).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(InvitationGone) as gone:
        accept_new(invited.token)
    assert "abgelaufen" in gone.value.message
    assert not get_user_model().objects.filter(username="nora").exists()


def test_a_revoked_link_is_gone(world):
    invited = invite(world)
    invitation_revoke(
        actor=world.users["admin_a"], organisation=world.dresden, invitation_id=invited.invitation.pk
    )
    with pytest.raises(InvitationGone) as gone:
        accept_new(invited.token)
    assert "zurückgezogen" in gone.value.message
    assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1
    assert not Membership.objects.filter(user__username="nora").exists()


def test_another_organisations_admin_cannot_revoke(world):
    invited = invite(world)
    with pytest.raises(ValidationFailed):  # Leipzig's invitation list does not contain it
        invitation_revoke(actor=None, organisation=world.leipzig, invitation_id=invited.invitation.pk)
    with pytest.raises(Forbidden):
        invitation_revoke(
            actor=world.users["caseworker_a"], organisation=world.dresden, invitation_id=invited.invitation.pk
        )
    assert Invitation.objects.get(pk=invited.invitation.pk).answered is None


def test_a_new_invitation_to_the_same_address_withdraws_the_earlier_link(world):
    first = invite(world)
    second = invite(world)
    with pytest.raises(InvitationGone):
        accept_new(first.token)
    assert accept_new(second.token).organisation == world.dresden


def test_an_unknown_token_is_a_400(world):
    with pytest.raises(InvitationUnknown) as unknown:
        accept_new("erfunden")
    assert unknown.value.status_code == 400


@pytest.mark.parametrize(
    ("username", "password", "password2", "field"),
    [
        ("nora", "kurz", "kurz", "password"),
        ("nora", "1234567890123", "1234567890123", "password"),
        ("nora", NEW_PASSWORD, NEW_PASSWORD + "x", "password2"),
        ("admin_a", NEW_PASSWORD, NEW_PASSWORD, "username"),
        ("nora mit leerzeichen", NEW_PASSWORD, NEW_PASSWORD, "username"),
        ("", NEW_PASSWORD, NEW_PASSWORD, "username"),
    ],
)
def test_bad_account_input_saves_nothing_and_keeps_the_link(world, username, password, password2, field):
    invited = invite(world)
    users = get_user_model().objects.count()
    with pytest.raises(ValidationFailed) as bad:
        accept_new(invited.token, username=username, password=password, password2=password2)
    assert field in bad.value.errors
    assert get_user_model().objects.count() == users
    assert Invitation.objects.get(pk=invited.invitation.pk).answered is None
    assert accept_new(invited.token).role == "caseworker"  # the link still works afterwards


def test_an_address_with_an_account_must_sign_in_and_accept(world):
    user = world.users["caseworker_b"]
    user.email = "leipzig@example.org"
    user.save()
    invited = invite(world, email="Leipzig@example.org")
    with pytest.raises(ValidationFailed) as exists:
        accept_new(invited.token, username="zweitkonto")
    assert "bereits ein Konto" in exists.value.message
    assert not get_user_model().objects.filter(username="zweitkonto").exists()
    assert not Membership.objects.filter(user=user, organisation=world.dresden).exists()
    membership = invitation_accept_existing(token=invited.token, user=user)
    assert membership.organisation == world.dresden
    assert Membership.objects.filter(user=user, active=True).count() == 2  # Leipzig stays


def test_the_mail_names_the_second_factor_for_admins(world):
    invite(world, role="admin")
    body = OutgoingMail.objects.get(kind="staff_invitation").body
    assert "Zwei-Faktor-Anmeldung" in body
    assert re.search(r"gilt einmal und 7 Tage", body)


def test_the_address_and_name_go_thirty_days_after_the_link_ended(world):
    """Retention (DSGVO Art. 5(1)(e)): an invitation keeps the invited address and name for 30 days after
    its link ended (here: expired unanswered), then the daily retention run blanks them and erases the
    invitation mail; the row itself stays for the audit."""
    from shared.privacy.retention import retention_apply

    invited = invite(world)
    invitation = Invitation.objects.get(pk=invited.invitation.pk)
    assert OutgoingMail.objects.filter(object_type="invitation", object_id=str(invitation.pk)).exists()
    ended = timezone.localtime(invitation.expires).date()
    assert retention_apply(as_of=ended + dt.timedelta(days=30))["invitations"] == 0
    invitation.refresh_from_db()
    assert invitation.email == "neu@dresden.example"
    assert retention_apply(as_of=ended + dt.timedelta(days=32))["invitations"] == 1
    invitation.refresh_from_db()
    assert invitation.email == "" and invitation.name == ""
    assert not OutgoingMail.objects.filter(to="neu@dresden.example").exists()
    assert AuditEvent.objects.filter(action="invitation.erase_email", object_id=str(invitation.pk)).exists()
    assert retention_apply(as_of=ended + dt.timedelta(days=33))["invitations"] == 0  # nothing twice
