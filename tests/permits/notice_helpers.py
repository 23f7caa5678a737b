"""Read written notices back like a recipient would: text (pdftotext), PDF/A identification (XMP via
pikepdf), the GiroCode on the rendered page (pdftoppm + zbarimg)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
from django.core.files.storage import default_storage

IBAN = "DE89370400440532013000"
BIC = "COBADEFFXXX"


def configure_bank(organisation) -> None:
    organisation.letterhead_name = "Landeshauptstadt Dresden, Straßen- und Tiefbauamt"
    organisation.letterhead_address = "Postfach 12 00 20\n01001 Dresden"
    organisation.payment_recipient = "Landeshauptstadt Dresden"
    organisation.iban = IBAN
    organisation.bic = BIC
    organisation.bank_name = "Ostsächsische Sparkasse Dresden"
    organisation.save()


def stored_bytes(notice) -> bytes:
    with default_storage.open(notice.file.name, "rb") as handle:
        return handle.read()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdfa_identification(data: bytes) -> tuple[str, str]:
    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf, pdf.open_metadata() as meta:
        return str(meta.get("pdfaid:part")), str(meta.get("pdfaid:conformance"))


def _catalogue_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    if pdf.is_encrypted:
        problems.append("6.1.3: encrypted")
    if "/ID" not in pdf.trailer:
        problems.append("6.1.3: trailer has no /ID")
    root = pdf.Root
    intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
    if not intents or "/DestOutputProfile" not in intents[0]:
        problems.append("6.2.3: no GTS_PDFA1 output intent with an ICC profile")
    if "/JavaScript" in root.get("/Names", {}) or "/AA" in root or "/OpenAction" in root:
        problems.append("6.6: actions or JavaScript in the catalogue")
    problems += [
        f"6.6.2: additional actions on page {n}" for n, page in enumerate(pdf.pages, 1) if "/AA" in page.obj
    ]
    with pdf.open_metadata() as meta:
        if (str(meta.get("pdfaid:part")), str(meta.get("pdfaid:conformance"))) != ("2", "B"):
            problems.append("6.6.4: XMP does not identify PDF/A-2b")
        if "/Title" in pdf.docinfo and str(pdf.docinfo["/Title"]) != str(meta.get("dc:title", "")):
            problems.append("6.6.2.3: Info /Title and XMP dc:title differ")
    return problems


def _font_problems(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "pdfa-check.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]  # after the header and the dashes
    if not rows:
        return ["no fonts at all (the text would not be text)"]
    # columns: name, type (may contain spaces), encoding, emb, sub, uni, object ID (two fields)
    return [f"6.2.11.4: font not embedded: {row.split()[0]}" for row in rows if row.split()[-5] != "yes"]


def pdfa_problems(data: bytes, tmp_path: Path) -> list[str]:
    """What keeps ``data`` from being PDF/A-2b, as far as it can be checked without veraPDF (ISO 19005-2
    clauses named): the identification alone says nothing about the file, so this reads the file itself."""
    problems = [] if re.match(rb"%PDF-1\.[0-7]\b", data[:9]) else ["6.1.2: header is not %PDF-1.0 … 1.7"]
    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
        problems += _catalogue_problems(pdf)
    return problems + _font_problems(data, tmp_path)


def girocode_payload(data: bytes, tmp_path: Path) -> str:
    """The first QR code on page 1, decoded from a 200 dpi rendering of the page."""
    path = tmp_path / "fee.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page*.png"))
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").rstrip("\n")
