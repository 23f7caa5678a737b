"""Fees to pay: Kassenzeichen, payment state and how a fee can be paid (payment providers).

**Kassenzeichen**: 12 digits — two of the year, nine of a database sequence, one Luhn check digit —
so it fits every bank's remittance field, survives being typed and a single wrong or swapped digit in a
bank statement is recognised instead of paying someone else's fee.

**Payment state**: ``paid`` once a payment is recorded; ``cancelled`` when the permit was withdrawn
before that; otherwise ``overdue`` after the due date, else ``open`` (computed on reading, see
:func:`payment_state`).

**Providers**: how a citizen can pay. Bank transfer is built in: the fee notice prints the commune's bank
details and a GiroCode, and the bank statement (camt.053, ``manage.py import_camt``) confirms the
payment. An online provider (ePayBL, the payment platform of the Saxon administrations) fits the same
:class:`PaymentProvider` protocol: it offers a checkout link on the tracking page and, when its callback
confirms a payment, calls ``domains.permits.services.payments.fee_mark_paid`` with its own ``via``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.utils import timezone
from segno import helpers as segno_helpers

from domains.permits.models import FeeClaim, PaymentState, case_owner
from kernel.core.iban import format_iban, iban_is_valid, normalise_iban

KASSENZEICHEN_RE = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")
# A fee is due one month after the notice (Zahlungsfrist); the notice names the date.
DUE_DAYS = 30
# EPC069-12: at most 140 characters of unstructured remittance, amounts 0.01 … 999999999.99 EUR.
EPC_MAX_AMOUNT = Decimal("999999999.99")


def luhn_digit(digits: str) -> str:
    """The check digit that makes ``digits`` + digit pass the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def kassenzeichen_for(year: int, number: int) -> str:
    body = f"{year % 100:02d}{number:09d}"
    return body + luhn_digit(body)


def kassenzeichen_is_valid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{12}", value)) and luhn_digit(value[:-1]) == value[-1]


def kassenzeichen_in(text: str) -> list[str]:
    """Every valid Kassenzeichen in a remittance text, also when the bank or the payer put spaces into it
    ('2600 0000 0017')."""
    found = [m for m in KASSENZEICHEN_RE.findall(text) if kassenzeichen_is_valid(m)]
    squeezed = re.sub(r"(?<=[0-9])[ ./-](?=[0-9])", "", text)
    found += [m for m in KASSENZEICHEN_RE.findall(squeezed) if kassenzeichen_is_valid(m)]
    return list(dict.fromkeys(found))


def payment_state(claim: FeeClaim | None, today: dt.date | None = None) -> str:
    """``paid``, ``cancelled``, ``overdue`` or ``open`` ("" without a claim: nothing to pay).

    A payment wins over a cancellation: money received before the withdrawal stays booked (a refund is
    the cash office's decision, outside this service)."""
    if claim is None:
        return ""
    if claim.paid_on is not None:
        return PaymentState.PAID
    if claim.cancelled_on is not None:
        return PaymentState.CANCELLED
    today = today or timezone.localdate()
    return PaymentState.OVERDUE if today > claim.due_date else PaymentState.OPEN


def fee_claim_of(case: Any) -> FeeClaim | None:
    """The fee claim of a permit or parking permit, if its decision charged one."""
    return FeeClaim.objects.filter(**case_owner(case)).first()


def payment_due(claim: FeeClaim | None) -> bool:
    """Whether the citizen still has to pay (the pages show the bank details and staff can book it)."""
    return payment_state(claim) in (PaymentState.OPEN, PaymentState.OVERDUE)


def payment_label(claim: FeeClaim | None) -> str:
    """The German name of the payment state ("" without a claim)."""
    state = payment_state(claim)
    return str(PaymentState(state).label) if state else ""


def payment_summary(claim: FeeClaim | None) -> dict[str, Any] | None:
    """What the staff API and pages show about a fee: Kassenzeichen, amount, due date and state."""
    if claim is None:
        return None
    state = payment_state(claim)
    return {
        "kassenzeichen": claim.kassenzeichen,
        "amount": str(claim.amount),
        "currency": "EUR",
        "due_date": claim.due_date.isoformat(),
        "state": state,
        "state_label": payment_label(claim),
        "paid_on": claim.paid_on.isoformat() if claim.paid_on else None,
        "paid_via": claim.paid_via,
        "cancelled_on": claim.cancelled_on.isoformat() if claim.cancelled_on else None,
        "reminded_on": claim.reminded_on.isoformat() if claim.reminded_on else None,
    }


@dataclass(frozen=True)
class BankDetails:
    recipient: str
    iban: str
    bic: str
    bank: str

    @property
    def iban_print(self) -> str:
        return format_iban(self.iban)


def bank_details(organisation: Any) -> BankDetails | None:
    """The organisation's account for fee payments, or ``None`` while none (or an invalid one) is set."""
    iban = normalise_iban(organisation.iban)
    if not iban or not iban_is_valid(iban):
        return None
    recipient = organisation.payment_recipient or organisation.letterhead_name or organisation.name
    return BankDetails(
        recipient=recipient[:70], iban=iban, bic=organisation.bic.strip().upper(), bank=organisation.bank_name
    )


def remittance_text(claim: FeeClaim) -> str:
    return f"Kassenzeichen {claim.kassenzeichen}"


@dataclass(frozen=True)
class PaymentInstructions:
    """What a fee notice prints for one way of paying."""

    provider: str
    title: str
    bank: BankDetails | None = None
    remittance: str = ""
    qr_svg_data_uri: str = ""  # the GiroCode, embedded in the PDF
    checkout_url: str = ""  # online providers: where the citizen pays


class PaymentProvider(Protocol):
    code: str
    title: str

    def instructions(self, claim: FeeClaim) -> PaymentInstructions | None:
        """How to pay ``claim`` this way; ``None`` if this way is not available for it."""


def girocode(claim: FeeClaim, bank: BankDetails) -> Any:
    """The EPC QR code ("GiroCode", EPC069-12 version 002): banking apps fill the transfer from it."""
    return segno_helpers.make_epc_qr(
        name=bank.recipient,
        iban=bank.iban,
        amount=claim.amount,
        text=remittance_text(claim),
        bic=bank.bic or None,
        purpose="GOVT",
        encoding="utf-8",  # EPC character set 1, so umlauts and ß in names arrive unchanged
    )


class BankTransfer:
    """Transfer to the commune's account; confirmed by the bank statement (camt.053) or by staff."""

    code = "bank_transfer"
    title = "Überweisung"

    def instructions(self, claim: FeeClaim) -> PaymentInstructions | None:
        bank = bank_details(claim.organisation)
        if bank is None:
            return None
        qr = ""
        if claim.amount <= EPC_MAX_AMOUNT:
            qr = girocode(claim, bank).svg_data_uri(scale=4, border=4, xmldecl=False, nl=False)
        return PaymentInstructions(
            provider=self.code,
            title=self.title,
            bank=bank,
            remittance=remittance_text(claim),
            qr_svg_data_uri=qr,
        )


PROVIDERS: tuple[PaymentProvider, ...] = (BankTransfer(),)


def payment_instructions(claim: FeeClaim) -> list[PaymentInstructions]:
    return [found for provider in PROVIDERS if (found := provider.instructions(claim)) is not None]
