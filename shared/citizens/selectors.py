"""Reads about citizen accounts: who counts as a citizen, what their provider said, which cases are theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from domains.permits.models import ParkingPermit, Permit
from domains.reports.models import Report


def citizen_of(user: Any) -> Any:
    """The signed-in citizen (a user with a provider login), or None for anonymous visitors and staff.

    Computed once per request (cached on the user object): every public page asks it for the header.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_mm_citizen", None)
    if cached is None:
        # The same rule as expiry and requests by address (citizen_users): a member of an organisation
        # with a provider login is staff, not a citizen, also for the header and Mein Konto.
        cached = citizen_users().filter(pk=user.pk).exists()
        user._mm_citizen = cached
    return user if cached else None


@dataclass(frozen=True)
class Claims:
    """What the identity provider says about the person, for prefilling forms (never stored on cases
    unless the person submits them)."""

    name: str = ""
    email: str = ""
    email_verified: bool = False
    address: str = ""


def _address_text(address: Any) -> str:
    """OIDC's address claim (``street_address``, ``postal_code``, ``locality``) as one German line."""
    if isinstance(address, str):
        return address.strip()
    if not isinstance(address, dict):
        return ""
    if address.get("formatted"):
        return str(address["formatted"]).replace("\n", ", ").strip()
    place = " ".join(str(address.get(k) or "").strip() for k in ("postal_code", "locality")).strip()
    return ", ".join(part for part in (str(address.get("street_address") or "").strip(), place) if part)


def claims_of(user: Any) -> Claims:
    account = SocialAccount.objects.filter(user_id=getattr(user, "pk", None)).order_by("-last_login").first()
    if account is None:
        return Claims()
    data = account.extra_data or {}
    merged = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return Claims(
        name=str(merged.get("name") or user.get_full_name() or "").strip(),
        email=str(merged.get("email") or user.email or "").strip(),
        email_verified=merged.get("email_verified") is True,
        address=_address_text(merged.get("address")),
    )


@dataclass
class AccountCases:
    reports: list[Report] = field(default_factory=list)
    permits: list[Permit] = field(default_factory=list)
    parking: list[ParkingPermit] = field(default_factory=list)


def cases_of_account(user: Any) -> AccountCases:
    """The account's cases, newest first (created while signed in, or claimed by e-mail link)."""
    return AccountCases(
        reports=list(Report.objects.filter(account=user).select_related("category").order_by("-created")),
        permits=list(
            Permit.objects.filter(account=user)
            .select_related("kind")
            .prefetch_related("notices")
            .order_by("-created")
        ),
        parking=list(
            ParkingPermit.objects.filter(account=user)
            .select_related("zone")
            .prefetch_related("notices")
            .order_by("-created")
        ),
    )


def citizen_users() -> QuerySet:
    """Users who are citizens: a provider login, never staff (no staff flag, no membership)."""
    return (
        get_user_model()
        .objects.filter(socialaccount__isnull=False, is_staff=False, is_superuser=False)
        .exclude(memberships__isnull=False)
        .distinct()
    )


def accounts_of_email(email: str) -> list[Any]:
    """Citizen accounts under an address: the user's e-mail or the one the provider sent (ID token or
    userinfo), case-insensitive — what an Art. 15/17 request by address must find."""
    email = email.strip()
    match = (
        Q(email__iexact=email)
        | Q(socialaccount__extra_data__id_token__email__iexact=email)
        | Q(socialaccount__extra_data__userinfo__email__iexact=email)
    )
    return list(citizen_users().filter(match).order_by("pk"))


def account_personal_record(user: Any) -> dict[str, Any]:
    """What the platform keeps about an account: the provider's claims, the login dates, the cases."""
    claims = claims_of(user)
    cases = cases_of_account(user)
    return {
        "name": claims.name,
        "email": claims.email,
        "email_verified": claims.email_verified,
        "address": claims.address,
        "providers": sorted(SocialAccount.objects.filter(user_id=user.pk).values_list("provider", flat=True)),
        "created": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "cases": [c.public_id for c in (*cases.reports, *cases.permits, *cases.parking)],
    }
