"""Read written notices back like a recipient would: text (pdftotext), PDF/A identification (XMP via
pikepdf), the GiroCode on the rendered page (pdftoppm + zbarimg)."""

from __future__ import annotations

import io
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
