"""Read incoming credits from an ISO 20022 bank statement (camt.053, "Kontoauszug"), as German banks
deliver it (DFÜ-Abkommen Anlage 3): versions camt.053.001.02 up to .08.

Only what a fee payment needs is read: the statement's own account (``Stmt/Acct/Id/IBAN``, which selects
the organisation whose fees may be booked), booked (``Sts`` BOOK) credit entries (``CdtDbtInd`` CRDT) with
their amount, booking date, the bank's reference and the remittance information — unstructured
(``RmtInf/Ustrd``) and structured (``RmtInf/Strd/CdtrRefInf/Ref``). A collective entry with several
transactions yields one credit per transaction (``TxDtls``) with its own amount.

The file comes from outside: lxml parses it with entities, DTDs and network access switched off, and a
document with a DOCTYPE is refused (no entity expansion, no external reads).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from kernel.core.iban import normalise_iban

NAMESPACE_RE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(0[2-8])$")
MAX_BYTES = 50 * 1024 * 1024


class StatementError(ValueError):
    """The file is no camt.053 statement we can read (German message)."""


@dataclass(frozen=True)
class Credit:
    amount: Decimal
    currency: str
    booked_on: dt.date
    references: tuple[str, ...]  # remittance texts and creditor references
    reference: str  # the bank's reference of the entry (AcctSvcrRef / end-to-end id), for the audit
    debtor: str = ""
    account_iban: str = ""  # the statement's account, normalised (no spaces, upper case); "" if not given


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def _root(data: bytes) -> tuple[etree._Element, dict[str, str]]:
    if len(data) > MAX_BYTES:
        raise StatementError("Die Datei ist zu groß für einen Kontoauszug.")
    try:
        tree = etree.fromstring(data, parser=_parser()).getroottree()
    except etree.XMLSyntaxError:
        raise StatementError("Die Datei ist kein lesbares XML.") from None
    if tree.docinfo.doctype:
        raise StatementError("Kontoauszüge mit DOCTYPE werden nicht gelesen.")
    root = tree.getroot()
    namespace = etree.QName(root).namespace or ""
    if not NAMESPACE_RE.match(namespace):
        raise StatementError(
            f"Kein camt.053-Kontoauszug (Namensraum „{namespace[:80]}“); erwartet camt.053.001.02 bis .08."
        )
    return root, {"c": namespace}


def _text(element: etree._Element, path: str, ns: dict[str, str]) -> str:
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def _booked(entry: etree._Element, ns: dict[str, str]) -> bool:
    # .02: <Sts>BOOK</Sts>; from .06 on: <Sts><Cd>BOOK</Cd></Sts>
    return (_text(entry, "c:Sts", ns) or _text(entry, "c:Sts/c:Cd", ns)) == "BOOK"


def _date(entry: etree._Element, ns: dict[str, str]) -> dt.date:
    value = _text(entry, "c:BookgDt/c:Dt", ns) or _text(entry, "c:BookgDt/c:DtTm", ns)[:10]
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StatementError(f"Buchungsdatum „{value[:20]}“ ist kein Datum.") from None


def _amount(element: etree._Element | None) -> tuple[Decimal, str]:
    if element is None:
        raise StatementError("Eine Buchung hat keinen Betrag.")
    try:
        return Decimal((element.text or "").strip()), element.get("Ccy", "")
    except InvalidOperation:
        raise StatementError(f"Betrag „{(element.text or '')[:20]}“ ist keine Zahl.") from None


def _references(tx: etree._Element, ns: dict[str, str]) -> tuple[str, ...]:
    texts = [e.text or "" for e in tx.iterfind("c:RmtInf/c:Ustrd", ns)]
    texts += [e.text or "" for e in tx.iterfind("c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", ns)]
    return tuple(t.strip() for t in texts if t and t.strip())


def _credits_of_entry(entry: etree._Element, ns: dict[str, str], account_iban: str) -> list[Credit]:
    booked_on = _date(entry, ns)
    entry_amount = _amount(entry.find("c:Amt", ns))
    entry_ref = _text(entry, "c:AcctSvcrRef", ns)
    details = entry.findall("c:NtryDtls/c:TxDtls", ns)
    credits = []
    for tx in details or [entry]:
        own = tx.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
        if own is None:
            own = tx.find("c:Amt", ns) if tx is not entry else None
        amount, currency = _amount(own) if own is not None else entry_amount
        end_to_end = _text(tx, "c:Refs/c:EndToEndId", ns)
        end_to_end = "" if end_to_end == "NOTPROVIDED" else end_to_end
        reference = _text(tx, "c:Refs/c:AcctSvcrRef", ns) or entry_ref or end_to_end
        debtor = _text(tx, "c:RltdPties/c:Dbtr/c:Nm", ns) or _text(tx, "c:RltdPties/c:Dbtr/c:Pty/c:Nm", ns)
        credits.append(
            Credit(amount, currency, booked_on, _references(tx, ns), reference, debtor, account_iban)
        )
    return credits


def read_credits(data: bytes) -> list[Credit]:
    """Every booked incoming credit of the statement(s) in ``data``; :class:`StatementError` otherwise."""
    root, ns = _root(data)
    credits: list[Credit] = []
    for stmt in root.iterfind("c:BkToCstmrStmt/c:Stmt", ns):
        account_iban = normalise_iban(_text(stmt, "c:Acct/c:Id/c:IBAN", ns))
        for entry in stmt.iterfind("c:Ntry", ns):
            if _text(entry, "c:CdtDbtInd", ns) != "CRDT" or not _booked(entry, ns):
                continue
            if _text(entry, "c:RvslInd", ns).lower() == "true":
                continue  # a returned debit is no payment
            credits.extend(_credits_of_entry(entry, ns, account_iban))
    return credits
