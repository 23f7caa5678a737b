"""Applicants' attachments (plans as PDF, photos): images re-encoded by the photo pipeline, PDFs rewritten
without active content by the PDF pipeline (``domains.permits.documents.pdfa``). The uploaded bytes are never stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from domains.permits.documents.pdfa import sanitise_pdf
from kernel.cases.fields import FieldErrors
from kernel.cases.images import PhotoRejected, process_photo

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    file: BinaryIO
    name: str
    size: int


def prepare_attachments(uploads: Sequence[Upload], errors: FieldErrors) -> list[tuple[str, bytes, str]]:
    """(original name, bytes to store, content type) — images re-encoded, PDFs rewritten."""
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
                if len(data) > MAX_ATTACHMENT_BYTES:
                    raise PhotoRejected(name, "ist größer als 10 MB.", field="attachments")
                prepared.append((name, sanitise_pdf(data, name, field="attachments"), "application/pdf"))
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
