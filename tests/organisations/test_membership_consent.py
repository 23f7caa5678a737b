"""Issue 25, item 2: a commune admin cannot adopt another commune's staff nor touch their API tokens.

Replayed attack: Dresden's admin typed the user name of Leipzig's caseworker on the members page, became
their admin and revoked their Leipzig token (the next Leipzig request got 401). Afterwards a person who is
not yet a member is only invited and joins after accepting, signed in; an admin sees and revokes only
tokens issued for their own organisation; the members page answers alike for unknown and foreign names.
"""

from __future__ import annotations

import pytest

from kernel.organisations.api_tokens import api_token_issue
from kernel.organisations.models import ApiToken, AuditEvent, Invitation, Membership
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

MEMBERS = "/verwaltung/einstellungen/mitglieder/"
TOKENS = "/verwaltung/einstellungen/api-tokens/"
INVITATIONS = "/verwaltung/einladungen/"
STAFF_API = "/api/v1/staff/reports/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def add_member(client, world: World, username: str, role: str = "crew"):
    return client.post(
        MEMBERS, {"username": username, "role": role, "organisation": world.dresden.pk}, follow=True
    )


def leipzig_token(client, world: World) -> int:
    return client.get(STAFF_API, HTTP_AUTHORIZATION=f"Token {world.tokens['caseworker_b']}").status_code


def test_adding_another_communes_caseworker_makes_no_membership_and_leaves_their_token(client, world):
    login(client, "admin_a")
    add_member(client, world, "caseworker_b", role="admin")
    assert not Membership.objects.filter(user__username="caseworker_b", organisation=world.dresden).exists()

    page = client.get(TOKENS).content.decode()
    assert "caseworker_b" not in page
    token = ApiToken.objects.get(user=world.users["caseworker_b"])
    client.post(TOKENS, {"revoke": token.pk, "organisation": world.dresden.pk})
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert leipzig_token(client, world) == 200
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_unknown_and_foreign_user_names_get_the_same_answer(client, world):
    login(client, "admin_a")
    foreign = messages_of(add_member(client, world, "caseworker_b"))
    unknown = messages_of(add_member(client, world, "niemand"))
    assert [m.replace("niemand", "caseworker_b") for m in unknown] == foreign
    assert not any("existiert nicht" in m for m in foreign + unknown)
    page = client.get(MEMBERS).content.decode()
    assert "caseworker_b" in page and "niemand" in page  # both listed alike as pending invitations


def test_the_invited_person_joins_only_after_accepting_signed_in(client, world):
    login(client, "admin_a")
    add_member(client, world, "caseworker_b", role="caseworker")
    invitation = Invitation.objects.get(username="caseworker_b", organisation=world.dresden)
    client.logout()

    login(client, "caseworker_b")
    page = client.get(INVITATIONS).content.decode()
    assert "Dresden" in page and "Sachbearbeitung" in page
    assert client.get(f"/verwaltung/meldungen/{world.own.public_id}/").status_code == 404
    response = client.post(INVITATIONS, {"accept": invitation.pk}, follow=True)
    assert "Sie sind jetzt Mitglied von" in " ".join(messages_of(response))
    membership = Membership.objects.get(user__username="caseworker_b", organisation=world.dresden)
    assert membership.active and membership.role == "caseworker"
    assert client.get(f"/verwaltung/meldungen/{world.own.public_id}/").status_code == 200
    assert AuditEvent.objects.filter(action="membership.accept", actor=world.users["caseworker_b"]).exists()
    # Accepted once: a second acceptance changes nothing.
    again = client.post(INVITATIONS, {"accept": invitation.pk}, follow=True)
    assert "nicht mehr gültig" in " ".join(messages_of(again))


def test_a_declined_invitation_makes_no_membership(client, world):
    login(client, "admin_a")
    add_member(client, world, "caseworker_b")
    invitation = Invitation.objects.get(username="caseworker_b")
    client.logout()
    login(client, "caseworker_b")
    client.post(INVITATIONS, {"decline": invitation.pk})
    assert not Membership.objects.filter(user__username="caseworker_b", organisation=world.dresden).exists()
    invitation.refresh_from_db()
    assert invitation.answered is not None and invitation.accepted is False


def test_nobody_else_can_accept_an_invitation(client, world):
    login(client, "admin_a")
    add_member(client, world, "caseworker_b", role="admin")
    invitation = Invitation.objects.get(username="caseworker_b")
    client.logout()
    login(client, "outsider")
    response = client.post(INVITATIONS, {"accept": invitation.pk}, follow=True)
    assert "nicht mehr gültig" in " ".join(messages_of(response))
    assert (
        not Membership.objects.filter(organisation=world.dresden, role="admin")
        .exclude(user__username="admin_a")
        .exists()
    )


def test_the_sign_in_leads_an_invited_person_to_their_invitations(client, world):
    from tests.staff_world import PASSWORD

    login(client, "admin_a")
    add_member(client, world, "caseworker_b")
    client.logout()
    response = client.post(
        "/anmelden/", {"username": "caseworker_b", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302 and response["Location"].startswith(INVITATIONS)


def test_a_role_change_of_an_own_member_still_applies_at_once(client, world):
    login(client, "admin_a")
    add_member(client, world, "crew_a2", role="caseworker")
    assert Membership.objects.get(user__username="crew_a2", organisation=world.dresden).role == "caseworker"
    assert not Invitation.objects.exists()


def test_the_operator_still_adds_anybody_directly(world):
    from kernel.organisations.services import membership_set

    membership_set(actor=None, organisation=world.dresden, username="caseworker_b", role="crew")
    assert Membership.objects.get(user__username="caseworker_b", organisation=world.dresden).active


def test_an_admin_manages_only_tokens_issued_for_their_organisation(client, world):
    """A member of both communes: Dresden's admin sees and revokes the Dresden token only."""
    from kernel.organisations.services import membership_set

    membership_set(actor=None, organisation=world.dresden, username="caseworker_b", role="caseworker")
    dresden_token = api_token_issue(
        actor=None,
        user=world.users["caseworker_b"],
        name="Dresdner Fachverfahren",
        organisation=world.dresden,
    )
    leipzig = ApiToken.objects.get(user=world.users["caseworker_b"], organisation=world.leipzig)
    login(client, "admin_a")
    page = client.get(TOKENS).content.decode()
    assert "Dresdner Fachverfahren" in page and leipzig.token_key not in page
    client.post(TOKENS, {"revoke": leipzig.pk, "organisation": world.dresden.pk})
    assert ApiToken.objects.filter(pk=leipzig.pk).exists() and leipzig_token(client, world) == 200
    client.post(TOKENS, {"revoke": dresden_token.token.pk, "organisation": world.dresden.pk})
    assert not ApiToken.objects.filter(pk=dresden_token.token.pk).exists()
    revoked = AuditEvent.objects.get(action="api_token.revoke")
    assert revoked.organisation_id == world.dresden.pk  # Leipzig's log learns nothing of it


def test_a_token_acts_only_for_the_organisation_it_was_issued_for(client, world):
    from kernel.organisations.services import membership_set

    membership_set(actor=None, organisation=world.dresden, username="caseworker_b", role="caseworker")
    key = api_token_issue(
        actor=None, user=world.users["caseworker_b"], name="Dresden", organisation=world.dresden
    ).key
    ids = {r["id"] for r in client.get(STAFF_API, HTTP_AUTHORIZATION=f"Token {key}").json()["results"]}
    assert world.other.public_id not in ids and world.own.public_id in ids
