"""Staff API tokens: issue, list and revoke (services and selectors of ``ApiToken``).

django-rest-knox stores only a digest; the token is returned once by :func:`api_token_issue`. Revoking
deletes the row (knox's way: a deleted token is unknown at once). Each token is issued for one
organisation of its owner; both write an audit entry there, without the token. An admin sees and revokes
only tokens issued for the organisation being configured (issue 25, item 2: an admin who had adopted
another commune's caseworker could revoke that commune's token); ``actor=None`` is the operator
(``manage.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.models import ApiToken, Membership, Organisation
from kernel.organisations.scoping import require_admin

NAME_MAX = 100


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; only its digest is stored


def _validated(name: str, days: int | None) -> tuple[str, int]:
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Bitte geben Sie dem Token einen Namen (z. B. die Anwendung, die es nutzt)."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein."]
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["expires"] = [f"Die Gültigkeit muss 1 bis {settings.API_TOKEN_MAX_DAYS} Tage betragen."]
    if errors:
        raise ValidationFailed(errors)
    return name, days


def _issued_for(user: Any, organisation: Organisation | None) -> Organisation:
    """The organisation a new token is for: the one given, of which ``user`` must be an active member,
    or the only one ``user`` belongs to."""
    memberships = Membership.objects.filter(user=user, active=True, organisation__active=True)
    if organisation is not None:
        if not memberships.filter(organisation=organisation).exists():
            raise ValidationFailed(
                {"organisation": [f"{user.username} ist nicht Mitglied von {organisation.name}."]}
            )
        return organisation
    orgs = list(Organisation.objects.filter(pk__in=memberships.values("organisation_id")))
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise ValidationFailed({"user": [f"{user.username} ist in keiner Organisation Mitglied."]})
    raise ValidationFailed(
        {
            "organisation": [
                f"{user.username} ist Mitglied mehrerer Organisationen; bitte angeben, für welche das "
                "Token gilt (--organisation AGS)."
            ]
        }
    )


def api_token_issue(
    *, actor: Any, user: Any, name: str, days: int | None = None, organisation: Organisation | None = None
) -> IssuedToken:
    """A new token for the staff member ``user``, valid for ``days`` (default ``API_TOKEN_DEFAULT_DAYS``)
    and for ``organisation`` only (default: the only organisation ``user`` belongs to)."""
    name, days = _validated(name, days)
    organisation = _issued_for(user, organisation)
    with transaction.atomic():
        token, key = ApiToken.objects.create(
            user, expiry=dt.timedelta(days=days), name=name, created_by=actor, organisation=organisation
        )
        audit(
            actor=actor,
            action="api_token.issue",
            obj=token,
            organisation=organisation,
            summary=f"API-Token „{name}“ für {user.username} ausgestellt (gültig {days} Tage)",
            token_key=token.token_key,
        )
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, actor: Any, token: ApiToken, organisation: Organisation | None = None) -> None:
    """Revoke ``token``. An admin (``actor``) must administer ``organisation``, for which the token was
    issued (the page passes the organisation being configured): a member's tokens for another
    organisation are none of this admin's business, even when the person belongs to both."""
    if actor is not None:
        if organisation is None or token.organisation_id != organisation.pk:
            raise ValidationFailed({"token": ["Unbekanntes Token."]})
        require_admin(actor, organisation.pk)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
        if locked is None:
            return  # already revoked (or expired and cleaned up)
        audit(
            actor=actor,
            action="api_token.revoke",
            obj=locked,
            organisation=locked.organisation_id,
            summary=f"API-Token „{locked.name}“ von {locked.user.username} widerrufen",
            token_key=locked.token_key,
        )
        locked.delete()


def api_tokens_of_organisation(organisation: Organisation) -> QuerySet[ApiToken]:
    """Tokens issued for the organisation, newest first (with the owner for display) — also those of
    members who have left, so that a leftover token can still be revoked."""
    return ApiToken.objects.filter(organisation=organisation).select_related("user")


def api_token_in(organisation: Organisation, pk: int) -> ApiToken | None:
    return api_tokens_of_organisation(organisation).filter(pk=pk).first()


def api_tokens_of_user(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("organisation")
