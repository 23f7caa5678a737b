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

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from domains.permits.documents.rendering import render_pdfa
from domains.permits.models import FeeClaim, NoticeKind, ParkingPermit, Permit
from domains.permits.payment_state import payment_instructions
from domains.permits.selectors import permit_conditions
from domains.permits.workflow import PermitStatus

PARKING_REFUSAL_DEFAULT = "Die Voraussetzungen für einen Bewohnerparkausweis liegen nicht vor."


@dataclass(frozen=True)
class RenderedNotice:
    kind: str
    data: bytes


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# A name ending in a legal form names a firm or body, not a person: without a contact person the letter
# can only greet "Damen und Herren". Anyone else is greeted by name; the application does not ask for a
# form of address, and "Guten Tag Vorname Name," is what authorities write when the gender is not known.
LEGAL_FORM = re.compile(
    r"(\b(GmbH|gGmbH|mbH|AG|KG|KGaA|OHG|GbR|PartG|UG|eG|SE|Ltd|Inc|Co)\b|\be\.\s?[VK]\.|"
    r"\b(Stiftung|Verein|Verband|Genossenschaft|Gemeinde|Stadtverwaltung|Landratsamt|Amt)\b)"
)


def _authority(organisation: Any, commune: Any) -> str:
    """The issuing authority: the letterhead setting; for a commune without one, its official designation
    from the boundary data ("Landeshauptstadt Dresden", BKG VG250 ``BEZ``) rather than the bare name."""
    if organisation.letterhead_name:
        return organisation.letterhead_name
    own = commune is not None and organisation.kind == "commune" and organisation.ags == commune.ags
    if own and commune.bez and not commune.name.startswith(commune.bez):
        return f"{commune.bez} {commune.name}"
    return organisation.name


def letterhead(organisation: Any, commune: Any = None) -> dict[str, Any]:
    """Header, signature and appeal notice of a notice, from the organisation's letterhead settings."""
    authority = _authority(organisation, commune)
    address = _lines(organisation.letterhead_address)
    office = organisation.letterhead_office
    return {
        "name": authority,
        "office": office,
        "address": address,
        "email": organisation.contact_email or organisation.email,
        "phone": organisation.contact_phone,
        "signatory": organisation.letterhead_signatory,
        "signatory_role": organisation.letterhead_signatory_role,
        "issuer": ", ".join([authority, *([office] if office else []), *address]),
    }


def salutation(case: Any) -> str:
    name = case.applicant_name.strip()
    firm = getattr(case, "applicant_organisation", "")
    if not firm and LEGAL_FORM.search(name):
        return "Sehr geehrte Damen und Herren,"
    return f"Guten Tag {name},"


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
        "letterhead": letterhead(case.organisation, getattr(case, "commune", None)),
        "recipient": _recipient(case),
        "salutation": salutation(case),
        "issued": timezone.localdate(),
    }


def render_decision(
    case: Permit | ParkingPermit, *, status: str, claim: FeeClaim | None = None, reasons: str = ""
) -> RenderedNotice:
    """The Bescheid on the decision ``status`` (approved or rejected) about to be recorded on ``case``."""
    approved = status == PermitStatus.APPROVED
    context = _common(case, "Bescheid")
    context.update(
        approved=approved,
        conditions=permit_conditions(case) if isinstance(case, Permit) and approved else [],
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
