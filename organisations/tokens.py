"""Staff API tokens: issue, list and revoke (services and selectors of ``ApiToken``).

django-rest-knox stores only a digest; the token is returned once by :func:`api_token_issue`. Revoking
deletes the row (knox's way: a deleted token is unknown at once). Both write an audit entry per
organisation of the token's owner, without the token. An admin sees and revokes tokens of the active
members of the organisation being configured only; ``actor=None`` is the operator (``manage.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from core.errors import ValidationFailed
from organisations.models import ApiToken, Membership, Organisation
from organisations.scoping import require_admin, scope_of
from organisations.services import audit

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


def _member_org_ids(user_id: int) -> list[int]:
    return list(
        Membership.objects.filter(user_id=user_id, active=True).values_list("organisation_id", flat=True)
    )


def api_token_issue(*, actor: Any, user: Any, name: str, days: int | None = None) -> IssuedToken:
    """A new token for the staff member ``user``, valid for ``days`` (default ``API_TOKEN_DEFAULT_DAYS``)."""
    name, days = _validated(name, days)
    if not scope_of(user).is_staff:
        raise ValidationFailed({"user": [f"{user.username} ist in keiner Organisation Mitglied."]})
    with transaction.atomic():
        token, key = ApiToken.objects.create(
            user, expiry=dt.timedelta(days=days), name=name, created_by=actor
        )
        for org_id in _member_org_ids(user.pk):
            audit(
                actor=actor,
                action="api_token.issue",
                obj=token,
                organisation=org_id,
                summary=f"API-Token „{name}“ für {user.username} ausgestellt (gültig {days} Tage)",
                token_key=token.token_key,
            )
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, actor: Any, token: ApiToken, organisation: Organisation | None = None) -> None:
    """Revoke ``token``. An admin (``actor``) must administer ``organisation``, of which the token's owner
    is an active member (the page passes the organisation being configured)."""
    if actor is not None:
        if organisation is None or token.user_id not in _active_member_ids(organisation):
            raise ValidationFailed({"token": ["Unbekanntes Token."]})
        require_admin(actor, organisation.pk)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
        if locked is None:
            return  # already revoked (or expired and cleaned up)
        for org_id in _member_org_ids(locked.user_id):
            audit(
                actor=actor,
                action="api_token.revoke",
                obj=locked,
                organisation=org_id,
                summary=f"API-Token „{locked.name}“ von {locked.user.username} widerrufen",
                token_key=locked.token_key,
            )
        locked.delete()


def _active_member_ids(organisation: Organisation) -> QuerySet:
    return Membership.objects.filter(organisation=organisation, active=True).values_list("user_id", flat=True)


def api_tokens_of_organisation(organisation: Organisation) -> QuerySet[ApiToken]:
    """Tokens of the organisation's active members, newest first (with the owner for display)."""
    return ApiToken.objects.filter(user_id__in=_active_member_ids(organisation)).select_related("user")


def api_token_in(organisation: Organisation, pk: int) -> ApiToken | None:
    return api_tokens_of_organisation(organisation).filter(pk=pk).first()


def api_tokens_of_user(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
