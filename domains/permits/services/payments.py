"""Record fee payments: by staff (audited) or from a bank statement (camt.053, ``domains.permits.camt``).

A payment is recorded once: a claim that is already paid stays as it is and the second payment is
reported, never booked on top. Paying the fee of an approved parking permit starts its validity
(``domains.permits.services.parking.parking_start_validity``: history note and Parkausweis) in the same
transaction.

A bank statement books only the fees of the organisation whose account it is: the statement's IBAN selects
it (``Organisation.iban``, the bank details of its notices). A Kassenzeichen of another organisation on that
account is reported, never booked; a statement of an unknown account books nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from domains.permits.camt import Credit
from domains.permits.models import FeeClaim, ParkingPermit, Permit, case_model_for, case_owner
from domains.permits.payment_state import kassenzeichen_in
from domains.permits.services.parking import parking_start_validity
from domains.permits.workflow import PermitStatus
from kernel.cases.files import TransactionFiles, files_for_transaction
from kernel.core.amounts import german_amount
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from kernel.core.iban import format_iban, normalise_iban
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import get_visible, require_manager

VIA_STAFF = "staff"
VIA_BANK_STATEMENT = "bank_transfer"


class AlreadyPaid(Conflict):
    code = "already_paid"
    default_message = "Diese Gebühr ist bereits als bezahlt verbucht."


class ClaimCancelled(Conflict):
    code = "fee_cancelled"
    default_message = "Diese Gebühr ist storniert, weil der Antrag zurückgezogen wurde."


def _record_payment(
    claim: FeeClaim,
    *,
    actor: Any,
    paid_on: dt.date,
    amount: Decimal,
    via: str,
    reference: str,
    files: TransactionFiles,
) -> None:
    """Book the payment on the locked ``claim``; a parking permit becomes valid."""
    claim.paid_on, claim.paid_amount, claim.paid_via = paid_on, amount, via
    claim.payment_reference = reference[:140]
    claim.save(update_fields=["paid_on", "paid_amount", "paid_via", "payment_reference"])
    case = claim.case
    audit(
        actor=actor,
        action=f"{type(case).audit_name}.paid",
        obj=case,
        organisation=claim.organisation_id,
        summary=f"Gebühr {german_amount(claim.amount)} EUR bezahlt (Kassenzeichen {claim.kassenzeichen}, {via})",
        kassenzeichen=claim.kassenzeichen,
        amount=str(amount),
        paid_on=paid_on.isoformat(),
        via=via,
        reference=reference[:140],
    )
    if claim.parking_permit_id is None:
        return
    permit = (
        ParkingPermit.objects.select_for_update(of=("self",))
        .select_related("zone", "organisation", "commune")
        .get(pk=claim.parking_permit_id)
    )
    if permit.status == PermitStatus.APPROVED and permit.valid_from is None:
        parking_start_validity(permit, actor=actor, files=files)


def _locked_claim(**lookup: Any) -> FeeClaim | None:
    return (
        FeeClaim.objects.select_for_update(of=("self",))
        .select_related("organisation", "permit", "parking_permit")
        .filter(**lookup)
        .first()
    )


def _case_for_staff(actor: Any, public_id: str) -> Permit | ParkingPermit:
    case = get_visible(actor, case_model_for(public_id).objects.all(), public_id=public_id)
    require_manager(actor, case)
    return case


def payment_record_staff(*, actor: Any, public_id: str, paid_on: Any = None) -> FeeClaim:
    """Staff book the fee of a permit or parking permit as paid (e.g. paid at the counter)."""
    day = timezone.localdate()
    if paid_on not in (None, ""):
        try:
            day = dt.date.fromisoformat(str(paid_on))
        except ValueError:
            raise ValidationFailed({"paid_on": ["Bitte ein Datum wie 2026-03-31 angeben."]}) from None
        if day > timezone.localdate():
            raise ValidationFailed({"paid_on": ["Das Zahlungsdatum darf nicht in der Zukunft liegen."]})
    with files_for_transaction() as files, transaction.atomic():
        case = _case_for_staff(actor, public_id)
        claim = _locked_claim(**case_owner(case))
        if claim is None:
            raise NotFound("Zu diesem Antrag gibt es keine Gebühr.")
        if claim.paid_on is not None:
            raise AlreadyPaid()
        if claim.cancelled_on is not None:
            raise ClaimCancelled()
        _record_payment(
            claim, actor=actor, paid_on=day, amount=claim.amount, via=VIA_STAFF, reference="", files=files
        )
    return claim


@dataclass(frozen=True)
class CreditOutcome:
    credit: Credit
    result: str  # paid, wrong_amount, unknown_reference, already_paid, cancelled, unknown_account,
    # other_organisation
    kassenzeichen: str = ""
    message: str = ""


NO_ACCOUNT = (
    "Der Kontoauszug nennt keine IBAN des eigenen Kontos (Stmt/Acct/Id/IBAN), also keine Bankverbindung, "
    "die einer Organisation gehört; nichts verbucht. Bitte den Auszug mit IBAN bei der Bank abrufen."
)
UNKNOWN_ACCOUNT = (
    "Das Konto {iban} gehört zu keiner Organisation; nichts verbucht. Bitte die IBAN in den Einstellungen "
    "unter „Briefkopf und Bankverbindung der Bescheide“ prüfen."
)
SHARED_ACCOUNT = (
    "Das Konto {iban} ist bei mehreren Organisationen als Bankverbindung eingetragen ({names}); nichts "
    "verbucht. Bitte die IBAN in deren Einstellungen berichtigen."
)


@dataclass(frozen=True)
class Account:
    """The organisation a statement's account belongs to, or why none (German, for the report)."""

    organisation: Organisation | None
    problem: str = ""


def account_of(iban: str) -> Account:
    """The one organisation whose bank details (letterhead settings) name ``iban``, compared without
    spaces and case — the settings form normalises, the Django admin and imports may not."""
    iban = normalise_iban(iban)
    if not iban:
        return Account(None, NO_ACCOUNT)
    owners = [
        org
        for org in Organisation.objects.exclude(iban="").only("pk", "name", "iban")
        if normalise_iban(org.iban) == iban
    ]
    if not owners:
        return Account(None, UNKNOWN_ACCOUNT.format(iban=format_iban(iban)))
    if len(owners) > 1:
        names = ", ".join(sorted(org.name for org in owners))
        return Account(None, SHARED_ACCOUNT.format(iban=format_iban(iban), names=names))
    return Account(owners[0])


def _claim_outcome(
    credit: Credit, candidates: list[str], organisation: Organisation
) -> FeeClaim | CreditOutcome:
    """The organisation's locked claim among ``candidates``, or the outcome saying why there is none."""
    claim = _locked_claim(kassenzeichen__in=candidates, organisation=organisation)
    if claim is not None:
        return claim
    foreign = FeeClaim.objects.filter(kassenzeichen__in=candidates).values_list("kassenzeichen", flat=True)
    if foreign_kz := foreign.first():
        return CreditOutcome(
            credit,
            "other_organisation",
            foreign_kz,
            f"Kassenzeichen gehört nicht zu {organisation.name} (Konto {format_iban(credit.account_iban)}); "
            "nicht verbucht, bitte der zuständigen Stelle melden",
        )
    return CreditOutcome(credit, "unknown_reference", candidates[0], "Kassenzeichen unbekannt")


def _outcome(credit: Credit, account: Account, *, dry_run: bool, files: TransactionFiles) -> CreditOutcome:
    if account.organisation is None:
        return CreditOutcome(credit, "unknown_account", message=account.problem)
    candidates = [kz for text in credit.references for kz in kassenzeichen_in(text)]
    if not candidates:
        return CreditOutcome(credit, "unknown_reference", message="kein Kassenzeichen im Verwendungszweck")
    claim = _claim_outcome(credit, candidates, account.organisation)
    if isinstance(claim, CreditOutcome):
        return claim
    kz = claim.kassenzeichen
    if claim.paid_on is not None:
        return CreditOutcome(credit, "already_paid", kz, f"bereits bezahlt am {claim.paid_on:%d.%m.%Y}")
    if claim.cancelled_on is not None:
        return CreditOutcome(
            credit,
            "cancelled",
            kz,
            f"Forderung am {claim.cancelled_on:%d.%m.%Y} storniert (Antrag zurückgezogen)",
        )
    if credit.currency != "EUR" or credit.amount != claim.amount:
        return CreditOutcome(
            credit,
            "wrong_amount",
            kz,
            f"Betrag {german_amount(credit.amount)} {credit.currency}, erwartet {german_amount(claim.amount)} EUR",
        )
    if not dry_run:
        _record_payment(
            claim,
            actor=None,
            paid_on=credit.booked_on,
            amount=credit.amount,
            via=VIA_BANK_STATEMENT,
            reference=credit.reference,
            files=files,
        )
    return CreditOutcome(credit, "paid", kz, f"{german_amount(claim.amount)} EUR verbucht")


def payments_import_credits(credits: list[Credit], *, dry_run: bool = False) -> list[CreditOutcome]:
    """Match incoming credits of a bank statement with open fee claims by Kassenzeichen and amount.

    Only an exact match is booked (a claim of the organisation owning the statement's account, same
    Kassenzeichen, same amount in EUR, still open, not cancelled); everything else is reported and changes
    nothing. One transaction per credit: a statement imported twice books nothing twice (the second time
    every line is "already paid")."""
    outcomes = []
    accounts: dict[str, Account] = {}
    for credit in credits:
        if credit.account_iban not in accounts:
            accounts[credit.account_iban] = account_of(credit.account_iban)
        with files_for_transaction() as files, transaction.atomic():
            outcome = _outcome(credit, accounts[credit.account_iban], dry_run=dry_run, files=files)
            if dry_run:
                transaction.set_rollback(True)
        outcomes.append(outcome)
    return outcomes
