"""Issue written notices: render (``permits.notices``), store privately and immutably, audit the hash.

A notice is written once and never changed: the stored file keeps a random storage name under
``notices/``, its SHA-256 goes into the audit log in the same transaction, and a later decision issues a
new notice instead of touching the old one. Files are bound to the caller's transaction
(``cases.files``): if the decision fails after rendering, the PDFs are deleted again.

Rendering takes a fraction of a second per page and runs inside the decision's transaction (the row
stays locked meanwhile): the notice must show exactly the state that is committed.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone

from cases.documents import sha256_hex
from cases.files import TransactionFiles
from organisations.services import audit
from permits.models import FeeClaim, Notice, ParkingPermit, Permit
from permits.notices import RenderedNotice, render_decision, render_fee_notice, render_parking_card
from permits.parking_card import card_for_permit, qr_data_uri


def _store(
    case: Permit | ParkingPermit, rendered: RenderedNotice, files: TransactionFiles, actor: Any
) -> Notice:
    today = timezone.localdate()
    name = f"notices/{today:%Y/%m}/{rendered.kind}-{case.public_id}-{secrets.token_hex(8)}.pdf"
    stored = files.save(name, rendered.data)
    digest = sha256_hex(rendered.data)
    owner = {"permit": case} if isinstance(case, Permit) else {"parking_permit": case}
    notice = Notice.objects.create(
        kind=rendered.kind, file=stored, sha256=digest, size=len(rendered.data), **owner
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

    Called before ``record_status_change``, so the decision mail that the status change queues can carry
    them: they are left on ``case.issued_notices`` for the mail (``permits.notify``)."""
    decision = render_decision(case, status=status, claim=claim, reasons=reasons)
    issued = [_store(case, decision, files, actor)]
    if claim is not None:
        issued.append(_store(case, render_fee_notice(case, claim), files, actor))
    case.issued_notices = issued
    return issued


def notice_parking_card(permit: ParkingPermit, *, files: TransactionFiles, actor: Any) -> Notice:
    """The Parkausweis of a parking permit that just became valid, with its signed code as QR
    (permits.parking_card), which enforcement staff check on /kontrolle/."""
    code = card_for_permit(permit, today=timezone.localdate())
    verification = {"svg_data_uri": qr_data_uri(code), "text": "Prüfcode für die Kontrolle"} if code else None
    return _store(permit, render_parking_card(permit, verification=verification), files, actor)
