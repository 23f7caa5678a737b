"""Hand-written camt.053 statements (as German banks deliver them) for the payment import tests."""

from __future__ import annotations

NS = {
    "02": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "08": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
}


def entry(
    amount: str,
    remittance: str = "",
    *,
    version: str = "02",
    direction: str = "CRDT",
    status: str = "BOOK",
    structured: str = "",
    ref: str = "REF",
) -> str:
    sts = f"<Sts>{status}</Sts>" if version == "02" else f"<Sts><Cd>{status}</Cd></Sts>"
    rmt = f"<Ustrd>{remittance}</Ustrd>" if remittance else ""
    if structured:
        rmt += f"<Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd>"
    return f"""
      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{direction}</CdtDbtInd>
        {sts}
        <BookgDt><Dt>2026-12-03</Dt></BookgDt>
        <ValDt><Dt>2026-12-03</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <BkTxCd/>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>Rita Rad</Nm></Dbtr></RltdPties>
          <RmtInf>{rmt}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


DRESDEN_IBAN = "DE89370400440532013000"  # tests.permits.notice_helpers.configure_bank gives Dresden this one


def statement(*entries: str, version: str = "02", prefix: str = "", iban: str | None = DRESDEN_IBAN) -> bytes:
    """A statement of the account ``iban`` (None: an account identified without IBAN, ``Othr``)."""
    account = f"<IBAN>{iban}</IBAN>" if iban is not None else "<Othr><Id>0532013000</Id></Othr>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prefix}
<Document xmlns="{NS[version]}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-12-04T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>1</Id>
      <Acct><Id>{account}</Id></Acct>
      {"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()
