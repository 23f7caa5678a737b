"""The written notices of permits as PDF/A-2b (rendered by ``domains.permits.documents.rendering``), one function per kind.

- **Bescheid**: the decision — approval with the kind's standard conditions and the caseworker's, or
  refusal with its reasons — with the Rechtsbehelfsbelehrung.
- **Gebührenbescheid**: the stored fee breakdown, Kassenzeichen, due date, the commune's bank details
  and the GiroCode (``domains.permits.payment_state``).
- **Parkausweis**: the A6 card for the windscreen of a valid parking permit. The card keeps a marked
  place (``verification``) for the signed QR code that street enforcement will check.

Every notice carries the letterhead from the organisation's settings. Storing, hashing and auditing is
``domains.permits.services.notices``; this module only turns a case into bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from domains.permits.documents.rendering import render_pdfa
from domains.permits.models import FeeClaim, NoticeKind, ParkingPermit, Permit
from domains.permits.payment_state import payment_instructions
from domains.permits.workflow import PermitStatus

PARKING_REFUSAL_DEFAULT = "Die Voraussetzungen für einen Bewohnerparkausweis liegen nicht vor."


@dataclass(frozen=True)
class RenderedNotice:
    kind: str
    data: bytes


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def letterhead(organisation: Any) -> dict[str, Any]:
    return {
        "name": organisation.letterhead_name or organisation.name,
        "address": _lines(organisation.letterhead_address),
        "email": organisation.email,
    }


def _recipient(case: Any) -> dict[str, Any]:
    firm = getattr(case, "applicant_organisation", "")
    return {
        "name": case.applicant_name,
        "organisation": firm,
        "address": [part.strip() for part in case.applicant_address.split(",") if part.strip()],
    }


def _common(case: Any, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "case": case,
        "is_parking": isinstance(case, ParkingPermit),
        "letterhead": letterhead(case.organisation),
        "recipient": _recipient(case),
        "issued": timezone.localdate(),
    }


def _conditions(permit: Permit) -> list[str]:
    return _lines(permit.kind.standard_conditions) + _lines(permit.conditions)


def render_decision(
    case: Permit | ParkingPermit, *, status: str, claim: FeeClaim | None = None, reasons: str = ""
) -> RenderedNotice:
    """The Bescheid on the decision ``status`` (approved or rejected) about to be recorded on ``case``."""
    approved = status == PermitStatus.APPROVED
    context = _common(case, "Bescheid")
    context.update(
        approved=approved,
        conditions=_conditions(case) if isinstance(case, Permit) and approved else [],
        reasons=_lines(reasons)
        or ([PARKING_REFUSAL_DEFAULT] if isinstance(case, ParkingPermit) and not approved else []),
        claim=claim if approved else None,
    )
    return RenderedNotice(
        kind=NoticeKind.DECISION,
        data=render_pdfa("notices/decision.html", context),
    )


def _fee_lines(case: Permit | ParkingPermit, claim: FeeClaim) -> list[dict[str, Any]]:
    """The stored breakdown, each line already rounded to the cent (``fees.round_fee_line``); the
    template prints it with ``amounts`` ("85,80") and the claim's amount is their sum."""
    if isinstance(case, Permit):
        return list(case.fee_lines)
    return [
        {
            "label": "Bewohnerparkausweis (1 Jahr)",
            "quantity": "1",
            "unit": "Jahr",
            "amount": str(claim.amount),
        }
    ]


def render_fee_notice(case: Permit | ParkingPermit, claim: FeeClaim) -> RenderedNotice:
    """The Gebührenbescheid with Kassenzeichen, due date, bank details and GiroCode."""
    context = _common(case, "Gebührenbescheid")
    context.update(claim=claim, fee_lines=_fee_lines(case, claim), ways=payment_instructions(claim))
    return RenderedNotice(
        kind=NoticeKind.FEE,
        data=render_pdfa("notices/fee.html", context),
    )


def render_parking_card(
    permit: ParkingPermit, *, verification: dict[str, Any] | None = None
) -> RenderedNotice:
    """The Parkausweis (A6) of a valid parking permit. ``verification`` is the place for the signed QR
    code of street enforcement (``{"svg_data_uri": …, "text": …}``); without it the card says how to check
    the permit by its number."""
    context = _common(permit, "Bewohnerparkausweis")
    context.update(zone=permit.zone, commune=permit.commune, verification=verification)
    return RenderedNotice(
        kind=NoticeKind.PARKING_CARD,
        data=render_pdfa("notices/parking_card.html", context),
    )
