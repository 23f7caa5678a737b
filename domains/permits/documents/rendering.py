"""Written notices as PDF/A-2b: an HTML template rendered by WeasyPrint, fonts embedded.

PDF/A-2b (ISO 19005-2, level B) is the archival format German administrations keep notices in: every
font embedded, no external content, XMP metadata naming the conformance (``pdfaid:part=2``,
``pdfaid:conformance=B``). WeasyPrint writes the identification and the output intent itself.

Templates get the case's data, which holds text people typed (names, conditions), so rendering must
never reach out: the URL fetcher allows ``data:`` URIs only (the GiroCode is embedded that way) — no
file, no network — and Django's autoescaping keeps typed text from becoming markup.
"""

from __future__ import annotations

import hashlib

from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Importing WeasyPrint switches Pillow to accept truncated images, process-wide. The upload pipeline
# (kernel.cases.images) relies on Pillow refusing them, and notices embed only images we draw ourselves, so the
# default is restored right here, where WeasyPrint is imported.
ImageFile.LOAD_TRUNCATED_IMAGES = False

PDF_VARIANT = "pdf/a-2b"


def render_pdfa(template: str, context: dict) -> bytes:
    """The template rendered as a PDF/A-2b document (bytes)."""
    with translation.override("de"):  # a notice is German, whatever language the deciding page used
        html = render_to_string(template, context)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
    document = HTML(string=html, base_url="data:,", url_fetcher=fetcher).render()
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def sha256_hex(data: bytes) -> str:
    """The document's fingerprint for the audit log: whoever holds a copy can show it is unchanged."""
    return hashlib.sha256(data).hexdigest()
