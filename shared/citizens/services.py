"""Writes about citizen accounts: taking over cases made without an account, deleting the account.

Taking over (``Fälle übernehmen``): cases made anonymously with the account's *confirmed* e-mail address
join the account only after the person opened a signed link sent to that address while signed in — the
provider's ``email_verified`` alone does not prove that the cases' address is theirs today.

Export and deletion of the account (Art. 15/17) cover the account itself and the cases linked to it —
made while signed in, or taken over through the mailed link — with the mails about them, never what is
merely stored under the account's address: that address comes from the identity provider, which may not
have verified it, so it proves nothing. Anonymous cases join only through the claim link (the proof that
the person reads that mailbox today); mails, follows and notes under an address alone are answered by the
platform operator's request by address (``manage.py personal_data``). Deleting erases what the retention
rules erase at the end of a case (``privacy``: the same functions), then removes the user with its
provider link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from domains.permits.models import ParkingPermit, Permit
from domains.permits.personal_data import parking_of_person, permits_of_person
from domains.reports.models import Report
from domains.reports.personal_data import reports_of_person
from kernel.core.errors import DomainError
from kernel.notifications.services import mail_queue
from kernel.organisations.audit import audit
from shared.citizens.selectors import (
    account_personal_record,
    accounts_of_email,
    cases_of_account,
    citizen_users,
    claims_of,
)
from shared.privacy.requests import PersonCases, account_cases_erase, account_cases_export
from shared.privacy.retention import start_of

CLAIM_SALT = "citizens.claim"
CLAIM_MAX_AGE = 3 * 24 * 3600  # seconds: the link in the mail works three days
# The account's own mails (the claim links) are stored about the account, so its export and deletion
# find them without looking at the address.
ACCOUNT_OBJECT = "account"


class ClaimRefused(DomainError):
    code = "claim_refused"
    status_code = 400
    default_message = "Der Link ist ungültig oder abgelaufen. Bitte fordern Sie einen neuen an."


def claim_link_send(*, user: Any) -> str:
    """Mail a signed link to the account's confirmed address; returns that address."""
    claims = claims_of(user)
    if not (claims.email and claims.email_verified):
        raise ClaimRefused(
            "Ihr Konto hat keine bestätigte E-Mail-Adresse; Fälle lassen sich nicht übernehmen."
        )
    token = signing.dumps({"u": user.pk, "e": claims.email.lower()}, salt=CLAIM_SALT)
    with transaction.atomic():
        mail_queue(
            kind="account_claim",
            to=claims.email,
            template="mail/account_claim.txt",
            context={"path": reverse("web:account-claim", args=[token]), "name": claims.name},
            object_type=ACCOUNT_OBJECT,
            object_id=str(user.pk),
        )
    return claims.email


def _claimable(email: str) -> tuple[list[Any], list[Any], list[Any]]:
    return (
        [r for r in reports_of_person(email) if r.account_id is None],
        [p for p in permits_of_person(email) if p.account_id is None],
        [p for p in parking_of_person(email) if p.account_id is None],
    )


def cases_claim(*, user: Any, token: str) -> int:
    """Attach the anonymous cases under the link's address to the signed-in account that asked for it."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    except signing.BadSignature:
        raise ClaimRefused() from None
    if data.get("u") != user.pk or data.get("e") != claims_of(user).email.lower():
        raise ClaimRefused()
    with transaction.atomic():
        reports, permits, parking = _claimable(data["e"])
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(account=user)
        Permit.objects.filter(pk__in=[p.pk for p in permits]).update(account=user)
        ParkingPermit.objects.filter(pk__in=[p.pk for p in parking]).update(account=user)
        claimed = [case.public_id for case in (*reports, *permits, *parking)]
        if claimed:
            # actor None: the audit log protects its actors from deletion, and the account may be deleted.
            audit(
                actor=None,
                action="account.claim",
                obj=user,
                summary=f"Bürgerkonto: {len(claimed)} Vorgang/Vorgänge übernommen",
                cases=claimed,
            )
    return len(claimed)


def _own_cases(user: Any) -> PersonCases:
    cases = cases_of_account(user)
    return PersonCases(reports=cases.reports, permits=cases.permits, parking=cases.parking)


def _own_mail_objects(user: Any) -> list[tuple[str, str]]:
    return [(ACCOUNT_OBJECT, str(user.pk))]


def account_delete(*, user: Any) -> None:
    """Erase the personal data of the account's own cases and their mails as retention does, then the
    account. Nothing found only by the account's address is touched (see the module docstring)."""
    with transaction.atomic():
        account_cases_erase(cases=_own_cases(user), objects=_own_mail_objects(user))
        get_user_model().objects.filter(pk=user.pk).delete()


def accounts_expire(*, as_of: dt.date) -> int:
    """Delete citizen accounts unused for ``CITIZEN_ACCOUNT_RETENTION_DAYS``: the copy of the provider's
    claims (name, e-mail, address) goes; the cases keep their own retention (shared.privacy.retention) and lose
    only the link to the account. Staff users are never touched. Returns the number deleted."""
    cutoff = start_of(as_of) - dt.timedelta(days=settings.CITIZEN_ACCOUNT_RETENTION_DAYS)
    unused = citizen_users().filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    return _delete_users([user.pk for user in unused])


def _delete_users(pks: list[int]) -> int:
    """Delete these users with their provider links; returns how many users went."""
    get_user_model().objects.filter(pk__in=pks).delete()
    return len(pks)


def accounts_expire_daily_job(day: dt.date) -> dict[str, int]:
    return {"citizen_accounts": accounts_expire(as_of=day)}


def account_data_export(*, user: Any) -> dict:
    """Art. 15 for the signed-in person: what the provider told us (the account) plus the account's own
    cases and the mails about them (``shared.privacy.requests.account_cases_export``, recorded in the register)
    — never another account or a case found only by the address."""
    data = account_cases_export(cases=_own_cases(user), objects=_own_mail_objects(user))
    data["account"] = account_personal_record(user)
    return data


def accounts_export_by_email(email: str) -> list[dict]:
    """The citizen accounts under an address, for a platform-wide Art. 15 request (shared.privacy.registry)."""
    return [account_personal_record(user) for user in accounts_of_email(email)]


def accounts_erase_by_email(email: str) -> int:
    """Delete the citizen accounts under an address (platform-wide Art. 17 request, shared.privacy.registry):
    the copy of the provider's claims goes with the user; the cases stay with their own retention and
    lose only the link to the account. Returns the number deleted."""
    return _delete_users([user.pk for user in accounts_of_email(email)])
