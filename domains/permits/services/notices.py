"""Issue written notices: render (``domains.permits.documents.notices``), store privately and immutably, audit the hash.

A notice is written once and never changed: the stored file keeps a random storage name under
``notices/``, its SHA-256 goes into the audit log in the same transaction, and a later decision issues a
new notice instead of touching the old one. Files are bound to the caller's transaction
(``kernel.cases.files``): if the decision fails after rendering, the PDFs are deleted again.

Rendering takes a fraction of a second per page and runs inside the decision's transaction (the row
stays locked meanwhile): the notice must show exactly the state that is committed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from domains.permits.documents.notices import (
    RenderedNotice,
    render_decision,
    render_fee_notice,
    render_parking_card,
)
from domains.permits.documents.rendering import sha256_hex
from domains.permits.models import FeeClaim, Notice, ParkingPermit, Permit, case_owner
from domains.permits.parking_card import card_for_permit, qr_data_uri
from domains.permits.services.fee_claims import fee_claim_cancel, fee_claim_open
from domains.permits.workflow import PermitStatus
from kernel.cases.files import TransactionFiles
from kernel.organisations.audit import audit


def _store(
    case: Permit | ParkingPermit, rendered: RenderedNotice, files: TransactionFiles, actor: Any
) -> Notice:
    today = timezone.localdate()
    name = f"notices/{today:%Y/%m}/{rendered.kind}-{case.public_id}-{secrets.token_hex(8)}.pdf"
    stored = files.save(name, rendered.data)
    digest = sha256_hex(rendered.data)
    notice = Notice.objects.create(
        kind=rendered.kind, file=stored, sha256=digest, size=len(rendered.data), **case_owner(case)
    )
    audit(
        actor=actor,
        action=f"{type(case).audit_name}.notice",
        obj=case,
        organisation=case.organisation_id,
        summary=f"{notice.get_kind_display()} erstellt (SHA-256 {digest[:16]}…)",
        kind=rendered.kind,
        sha256=digest,
        size=len(rendered.data),
        file=stored,
    )
    return notice


def notices_for_decision(
    case: Permit | ParkingPermit,
    *,
    status: str,
    claim: FeeClaim | None,
    reasons: str,
    files: TransactionFiles,
    actor: Any,
) -> list[Notice]:
    """Bescheid (and, with a fee, the Gebührenbescheid) on the decision ``status`` about to be recorded.

    The caller passes them on to the decision mail (``domains.permits.notify``) as attachments."""
    decision = render_decision(case, status=status, claim=claim, reasons=reasons)
    issued = [_store(case, decision, files, actor)]
    if claim is not None:
        issued.append(_store(case, render_fee_notice(case, claim), files, actor))
    return issued


@dataclass(frozen=True)
class Paperwork:
    """What a decision issued: the new fee claim (if any) and the notices for the decision mail."""

    claim: FeeClaim | None
    notices: list[Notice]


def decision_paperwork(
    case: Permit | ParkingPermit,
    *,
    status: str,
    amount: Decimal,
    reasons: str,
    files: TransactionFiles,
    actor: Any,
) -> Paperwork:
    """What a decision on a permit or parking permit issues before its status change is recorded: an
    approval opens the fee claim for ``amount`` and issues Bescheid and Gebührenbescheid, a refusal the
    Bescheid with ``reasons``, a withdrawal cancels an unpaid fee."""
    claim = fee_claim_open(case=case, amount=amount) if status == PermitStatus.APPROVED else None
    notices: list[Notice] = []
    if status in (PermitStatus.APPROVED, PermitStatus.REJECTED):
        notices = notices_for_decision(
            case, status=status, claim=claim, reasons=reasons, files=files, actor=actor
        )
    if status == PermitStatus.WITHDRAWN:
        fee_claim_cancel(case=case, actor=actor)
    return Paperwork(claim=claim, notices=notices)


def notice_parking_card(permit: ParkingPermit, *, files: TransactionFiles, actor: Any) -> Notice:
    """The Parkausweis of a parking permit that just became valid, with its signed code as QR
    (domains.permits.parking_card), which enforcement staff check on /kontrolle/."""
    code = card_for_permit(permit, today=timezone.localdate())
    verification = {"svg_data_uri": qr_data_uri(code), "text": "Prüfcode für die Kontrolle"} if code else None
    return _store(permit, render_parking_card(permit, verification=verification), files, actor)
