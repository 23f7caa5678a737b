"""What a directory sign-in does once the ID token is validated (``interfaces.staff.directory_login`` does
the OpenID Connect protocol): find or create the staff account linked by (issuer, sub), set its membership
in the directory's organisation from the mapped groups, and decide whether the directory's ``amr``/``acr``
count as the second factor.

The platform's rules stay in charge: a directory only writes the membership of its *own* organisation
(never another one's, whatever groups it sends; a mapped crew must belong to that organisation too), a
group taken away in the directory takes the role away at the next sign-in, and without any mapped group
there is no sign-in at all. Every change is audited in the directory's organisation.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.organisations.audit import audit
from kernel.organisations.directory_models import (
    DirectoryFactor,
    DirectoryGroupRole,
    DirectoryIdentity,
    SecondFactorSource,
    StaffDirectory,
)
from kernel.organisations.models import Membership, Role

# When several mapped groups apply, the strongest role wins (one membership per organisation).
ROLE_ORDER = [Role.ADMIN, Role.CASEWORKER, Role.ENFORCEMENT, Role.CREW]
_USERNAME_CHARS = re.compile(r"[^\w.@+-]")


class DirectoryRefused(Exception):
    """The sign-in is refused; ``message`` is the German text for the person, ``code`` for the audit."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DirectorySignIn:
    user: Any
    membership: Membership
    provider_second_factor: bool


def directories_for_login() -> list[StaffDirectory]:
    """The active directories of active organisations, for the buttons on the sign-in page."""
    return list(
        StaffDirectory.objects.filter(active=True, organisation__active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def directory_client_secret(directory: StaffDirectory) -> str:
    """The client secret from the environment (``STAFF_OIDC_SECRET_<AGS>``, docs/configuration.md);
    empty when unset, which the caller treats as "directory not usable"."""
    return os.environ.get(directory.secret_env_name, "")


def _groups(directory: StaffDirectory, claims: dict) -> set[str]:
    value = claims.get(directory.groups_claim)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return set()
    # Keycloak's group mapper sends full paths ("/Bauamt/Sachbearbeitung") unless told otherwise.
    return {str(g) for g in value} | {str(g).rsplit("/", 1)[-1] for g in value}


def mapped_role(directory: StaffDirectory, claims: dict) -> DirectoryGroupRole | None:
    """The mapping that applies to these claims: the strongest role among the person's mapped groups,
    and only mappings whose crew (if any) belongs to the directory's own organisation."""
    groups = _groups(directory, claims)
    rows = [
        row
        for row in directory.group_roles.select_related("team").filter(group__in=groups)
        if row.team_id is None or row.team.organisation_id == directory.organisation_id
    ]
    rows.sort(key=lambda row: (ROLE_ORDER.index(row.role), row.group))
    return rows[0] if rows else None


def provider_second_factor(directory: StaffDirectory, claims: dict) -> bool:
    """Whether the directory's own ``amr``/``acr`` count as the second factor (only if so configured)."""
    if directory.second_factor != SecondFactorSource.PROVIDER:
        return False
    amr = claims.get("amr")
    amr_values = {str(v) for v in amr} if isinstance(amr, list) else set()
    if amr_values & directory.amr_values():
        return True
    return str(claims.get("acr") or "") in directory.acr_values()


def _new_username(directory: StaffDirectory, claims: dict) -> str:
    """A fresh user name, never an existing one: a directory must not take over a local account."""
    wanted = str(claims.get("preferred_username") or claims["sub"])
    base = _USERNAME_CHARS.sub("-", wanted)[:100] + "@" + (directory.organisation.ags or str(directory.pk))
    users = get_user_model().objects
    name, n = base, 1
    while users.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _account(directory: StaffDirectory, claims: dict) -> tuple[Any, bool]:
    identity = (
        DirectoryIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=directory.issuer, subject=claims["sub"])
        .first()
    )
    if identity is not None:
        return identity.user, False
    user = get_user_model().objects.create(
        username=_new_username(directory, claims),
        email=str(claims.get("email") or "")[:254],
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        is_staff=False,
        is_superuser=False,
    )
    user.set_unusable_password()  # the directory is its only way in
    user.save(update_fields=["password"])
    DirectoryIdentity.objects.create(user=user, issuer=directory.issuer, subject=claims["sub"])
    return user, True


def _end_membership(directory: StaffDirectory, user: Any, claims: dict) -> None:
    membership = Membership.objects.filter(
        user=user, organisation=directory.organisation, active=True
    ).first()
    if membership is not None:
        membership.active = False
        membership.save(update_fields=["active"])
        audit(
            actor=None,
            action="membership.directory_end",
            obj=membership,
            organisation=directory.organisation,
            summary=f"Rolle von {user.username} beendet: keine zugeordnete Gruppe im Verzeichnis",
            groups=sorted(_groups(directory, claims)),
        )


def _set_membership(directory: StaffDirectory, user: Any, row: DirectoryGroupRole) -> Membership:
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organisation=directory.organisation,
        defaults={"role": row.role, "team": row.team, "active": True},
    )
    before = (membership.role, membership.team_id, membership.active)
    if not created and before != (row.role, row.team_id, True):
        membership.role, membership.team, membership.active = row.role, row.team, True
        membership.save(update_fields=["role", "team", "active"])
    if created or before != (row.role, row.team_id, True):
        audit(
            actor=None,
            action="membership.directory",
            obj=membership,
            organisation=directory.organisation,
            summary=f"Rolle von {user.username} aus dem Verzeichnis: {membership.get_role_display()}",
            group=row.group,
            role=row.role,
            team=row.team_id,
        )
    return membership


def directory_sign_in(*, directory: StaffDirectory, claims: dict) -> DirectorySignIn:
    """Apply a validated ID token's ``claims`` (``sub`` present) of ``directory``; raises
    ``DirectoryRefused`` (nothing but the refusal's audit and an ended membership is written then)."""
    if not directory.active or not directory.organisation.active:
        raise DirectoryRefused("inactive", _("Die Anmeldung über dieses Verzeichnis ist abgeschaltet."))
    with transaction.atomic():
        user, created = _account(directory, claims)
        if not user.is_active or user.is_superuser:
            # Operators and locked accounts never come in through a commune's directory.
            raise DirectoryRefused(
                "account", _("Dieses Konto kann sich nicht über das Verzeichnis anmelden.")
            )
        row = mapped_role(directory, claims)
        if row is None:
            _end_membership(directory, user, claims)
            audit(
                actor=None,
                action="directory.refused",
                obj=directory,
                organisation=directory.organisation,
                summary=f"Anmeldung von {user.username} abgelehnt: keine zugeordnete Gruppe",
            )
            refused = DirectoryRefused(
                "no_group",
                _(
                    "Ihr Konto im Verzeichnis hat keine Gruppe, die in dieser Organisation eine Rolle "
                    "gibt. Bitte wenden Sie sich an die Administration Ihrer Verwaltung."
                ),
            )
        else:
            refused = None
            membership = _set_membership(directory, user, row)
            DirectoryIdentity.objects.filter(issuer=directory.issuer, subject=claims["sub"]).update(
                last_login=timezone.now()
            )
            audit(
                actor=user,
                action="directory.login",
                obj=directory,
                organisation=directory.organisation,
                summary=f"Anmeldung von {user.username} über das Verzeichnis"
                + (" (neues Konto)" if created else ""),
                amr=claims.get("amr") if isinstance(claims.get("amr"), list) else [],
                acr=str(claims.get("acr") or ""),
            )
    if refused is not None:  # raised after the commit: the ended membership and the refusal stay recorded
        raise refused
    return DirectorySignIn(user, membership, provider_second_factor(directory, claims))


def directory_factor(*, user: Any, directory: StaffDirectory) -> DirectoryFactor:
    """The django-otp device that marks a session whose second factor the directory confirmed."""
    name = f"Verzeichnis {directory.organisation_id}"
    device, _created = DirectoryFactor.objects.get_or_create(
        user=user, name=name, defaults={"confirmed": True}
    )
    return device


_ACTION_WORDS = {"created": "angelegt", "changed": "geändert", "deleted": "gelöscht"}


def staff_directory_audit(*, actor: Any, directory: StaffDirectory, action: str) -> None:
    """Audit a change of the directory configuration (the Django admin saves it); call inside its
    transaction. The mappings are listed so that the log shows which groups gave which role."""
    mappings = [
        {"group": row.group, "role": row.role, "team": row.team_id} for row in directory.group_roles.all()
    ]
    audit(
        actor=actor,
        action=f"directory.{action}",
        obj=directory,
        organisation=directory.organisation_id,
        summary=f"Verzeichnis für die Anmeldung ({directory.issuer}) {_ACTION_WORDS.get(action, action)}",
        active=directory.active,
        issuer=directory.issuer,
        client_id=directory.client_id,
        second_factor=directory.second_factor,
        mappings=mappings,
    )
