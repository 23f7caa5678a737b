"""Invitations to a membership: an admin invites, the person accepts or declines after signing in.

The minimal consent mechanism of issue 25, item 2 (an admin had adopted another commune's caseworker by
typing their user name, then revoked their API token). Issue 29's e-mail invitations build on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.models import Invitation, Membership, Organisation, Role
from kernel.organisations.scoping import require_admin
from kernel.organisations.services import membership_save, membership_set

VALID_DAYS = 7
NO_LONGER_VALID = "Diese Einladung ist nicht mehr gültig. Bitte die Administration um eine neue Einladung."


def invited_message(username: str) -> str:
    """The same answer for unknown and foreign user names: nothing about other organisations leaks."""
    return (
        f"Einladung für „{username}“ gespeichert. Besteht das Konto, sieht die Person die Einladung nach "
        f"ihrer Anmeldung und tritt erst bei, wenn sie sie annimmt (gültig {VALID_DAYS} Tage). Ein neues "
        "Konto legt der Plattformbetrieb an."
    )


def member_add(
    *, actor: Any, organisation: Organisation, username: str, role: str, team: str = ""
) -> Membership | Invitation:
    """The members page's "add or change": an active member's role changes at once; anybody else
    (member elsewhere, former member, unknown name) is invited."""
    require_admin(actor, organisation.pk)
    username = (username or "").strip()
    if Membership.objects.filter(user__username=username, organisation=organisation, active=True).exists():
        return membership_set(actor=actor, organisation=organisation, username=username, role=role, team=team)
    if role not in Role.values:
        raise ValidationFailed({"role": [f"Unbekannte Rolle „{role}“."]})
    with transaction.atomic():
        now = timezone.now()
        Invitation.objects.filter(organisation=organisation, username=username, answered=None).update(
            answered=now
        )
        invitation = Invitation.objects.create(
            organisation=organisation,
            username=username[:150],
            role=role,
            team_name=(team or "").strip()[:100],
            invited_by=actor,
            expires=now + dt.timedelta(days=VALID_DAYS),
        )
        audit(
            actor=actor,
            action="membership.invite",
            obj=invitation,
            organisation=organisation,
            summary=f"{invitation.username} eingeladen: {invitation.get_role_display()}",
        )
    return invitation


def invitations_pending_for(user: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        username=user.get_username(), answered=None, expires__gt=timezone.now()
    ).select_related("organisation")


def invitations_pending_of(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation, answered=None, expires__gt=timezone.now())


def invitation_answer(*, user: Any, invitation_id: int, accept: bool) -> Invitation:
    """Accept (join with the offered role) or decline; only the invited person, once, before expiry."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation_id, username=user.get_username(), answered=None, expires__gt=timezone.now())
            .select_related("organisation")
            .first()
        )
        if invitation is None or not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
            raise ValidationFailed({"invitation": [NO_LONGER_VALID]}, message=NO_LONGER_VALID)
        invitation.answered, invitation.accepted = timezone.now(), accept
        invitation.save(update_fields=["answered", "accepted"])
        if accept:
            membership_save(
                actor=user,
                organisation=invitation.organisation,
                user=user,
                role=invitation.role,
                team=invitation.team_name,
                action="membership.accept",
            )
        else:
            audit(
                actor=user,
                action="membership.decline",
                obj=invitation,
                organisation=invitation.organisation,
                summary=f"{user.get_username()} hat die Einladung abgelehnt",
            )
    return invitation
