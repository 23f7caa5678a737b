"""Applicants' attachments (plans as PDF, photos): images re-encoded by the photo pipeline, PDFs checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from cases.fields import FieldErrors
from cases.images import PhotoRejected, process_photo

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    file: BinaryIO
    name: str
    size: int


def _check_pdf(data: bytes, name: str) -> None:
    """Plans as PDF: a real PDF (header and end marker) without active content."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise PhotoRejected(name, "ist kein gültiges PDF.", field="attachments")
    lowered = data.lower()
    for marker in (b"/javascript", b"/js ", b"/js(", b"/launch", b"/embeddedfile", b"/openaction"):
        if marker in lowered:
            raise PhotoRejected(
                name, "enthält aktive Inhalte (Skripte oder eingebettete Dateien).", field="attachments"
            )


def prepare_attachments(uploads: Sequence[Upload], errors: FieldErrors) -> list[tuple[str, bytes, str]]:
    """(original name, bytes to store, content type) — images re-encoded, PDFs checked."""
    if len(uploads) > MAX_ATTACHMENTS:
        errors.add("attachments", f"Höchstens {MAX_ATTACHMENTS} Anhänge.")
        return []
    prepared = []
    for upload in uploads:
        name = (upload.name or "Anhang").rsplit("/", 1)[-1][:120]
        try:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise PhotoRejected(name, "ist größer als 10 MB.", field="attachments")
            head = upload.file.read(5)
            upload.file.seek(0)
            if head == b"%PDF-":
                data = upload.file.read(MAX_ATTACHMENT_BYTES + 1)
                _check_pdf(data, name)
                prepared.append((name, data, "application/pdf"))
            else:
                image = process_photo(
                    upload.file,
                    name,
                    size=upload.size,
                    field="attachments",
                    display_edge=4096,
                    max_bytes=MAX_ATTACHMENT_BYTES,
                )
                prepared.append((name, image.display, "image/jpeg"))
        except PhotoRejected as exc:
            for message in exc.errors["attachments"]:
                errors.add(
                    "attachments", message.replace("kein unterstütztes Foto", "weder ein PDF noch ein Bild")
                )
    return prepared
