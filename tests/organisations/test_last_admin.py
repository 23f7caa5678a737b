"""An organisation never loses its last active admin (nobody could manage members, categories or areas)."""

from __future__ import annotations

import pytest

from kernel.core.errors import ValidationFailed
from kernel.organisations.models import Membership, Role
from kernel.organisations.services import LAST_ADMIN, membership_end, membership_set
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

MEMBERS = "/verwaltung/einstellungen/mitglieder/"


def admin_membership(world: World, username: str = "admin_a") -> Membership:
    return Membership.objects.get(user__username=username, organisation=world.dresden)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_only_admin_cannot_end_their_own_membership_on_the_page(client, world: World):
    login(client, "admin_a")
    own = admin_membership(world)
    response = client.post(f"{MEMBERS}?organisation={world.dresden.pk}", {"end": str(own.pk)}, follow=True)
    assert LAST_ADMIN in messages_of(response)
    own.refresh_from_db()
    assert own.active and own.role == Role.ADMIN


def test_the_only_admin_cannot_demote_themselves(world: World):
    with pytest.raises(ValidationFailed) as excinfo:
        membership_set(
            actor=world.users["admin_a"], organisation=world.dresden, username="admin_a", role="caseworker"
        )
    assert excinfo.value.errors == {"role": [LAST_ADMIN]}
    assert admin_membership(world).role == Role.ADMIN


def test_with_a_second_admin_the_first_may_step_down(world: World):
    membership_set(
        actor=world.users["admin_a"], organisation=world.dresden, username="caseworker_a", role="admin"
    )
    membership_set(
        actor=world.users["admin_a"], organisation=world.dresden, username="admin_a", role="caseworker"
    )
    assert admin_membership(world).role == Role.CASEWORKER
    # now caseworker_a is the last admin and is protected in turn
    with pytest.raises(ValidationFailed):
        membership_end(actor=world.users["caseworker_a"], membership=admin_membership(world, "caseworker_a"))
    assert admin_membership(world, "caseworker_a").active


def test_an_ended_admin_membership_does_not_count(world: World):
    membership_set(actor=None, organisation=world.dresden, username="caseworker_a", role="admin")
    second = admin_membership(world, "caseworker_a")
    membership_end(actor=world.users["admin_a"], membership=second)
    with pytest.raises(ValidationFailed):
        membership_end(actor=world.users["admin_a"], membership=admin_membership(world))


def test_ending_a_caseworker_is_not_affected(world: World):
    caseworker = admin_membership(world, "caseworker_a")
    membership_end(actor=world.users["admin_a"], membership=caseworker)
    caseworker.refresh_from_db()
    assert not caseworker.active
