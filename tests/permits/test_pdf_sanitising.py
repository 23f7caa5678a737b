"""Applicants' PDFs are rewritten without active content (domains.permits.documents.pdfa), never pattern-matched.

Each malicious PDF is built here with pikepdf, sent through ``permit_create`` like an upload, and the
file that was stored is parsed again: the active parts are gone, the page is still there.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from pikepdf import Array, Dictionary, Name, Pdf, String

from domains.permits.models import Permit, PermitAttachment
from domains.permits.services import PermitDraft, Upload, permit_create
from kernel.core.errors import ValidationFailed
from tests.permits.helpers import NEUSTADT, applicant, future

pytestmark = pytest.mark.django_db

PAGE_TEXT = b"Lageplan Bautzner Strasse"
UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/URI", "/ImportData", "/GoToR", "/GoToE"}


def _plain() -> Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    )
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 760 Td (" + PAGE_TEXT + b") Tj ET")
    return pdf


def _bytes(pdf: Pdf, **save: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def _action(pdf: Pdf, kind: str, **entries: object) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Action, S=Name(kind), **entries))


def javascript_open_action() -> bytes:
    pdf = _plain()
    pdf.Root.OpenAction = _action(pdf, "/JavaScript", JS=String("app.alert('offen')"))
    script = _action(pdf, "/JavaScript", JS=String("app.launchURL('https://boese.example')"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("start"), script])))
    pdf.Root.AA = Dictionary(WC=_action(pdf, "/JavaScript", JS=String("app.alert('zu')")))
    pdf.pages[0].obj.AA = Dictionary(O=_action(pdf, "/Launch", F=String("cmd.exe")))
    # In a compressed object stream the old byte-pattern check never saw "/JavaScript".
    return _bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def embedded_file() -> bytes:
    pdf = _plain()
    pdf.attachments["rechnung.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00boese", mime_type="x/exe")
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00noch boeser").obj
    annotation = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[10, 10, 30, 30], FS=spec)
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annotation)])
    return _bytes(pdf)


def links_and_outline_actions() -> bytes:
    pdf = _plain()
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=[72, 700, 300, 720],
        A=_action(pdf, "/URI", URI=String("https://phishing.example/login")),
    )
    submit = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Widget,
        FT=Name.Btn,
        T=String("senden"),
        Rect=[72, 600, 200, 620],
        A=_action(pdf, "/SubmitForm", F=String("https://sammler.example/")),
        AA=Dictionary(E=_action(pdf, "/ImportData", F=String("daten.fdf"))),
    )
    submit = pdf.make_indirect(submit)
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(link), submit])
    pdf.Root.AcroForm = Dictionary(Fields=Array([submit]))
    item = pdf.make_indirect(
        Dictionary(Title=String("Kapitel"), A=_action(pdf, "/GoToR", F=String("\\\\server\\share\\x.pdf")))
    )
    launch = pdf.make_indirect(
        Dictionary(Title=String("Start"), A=_action(pdf, "/Launch", F=String("x.exe")))
    )
    item.Next, launch.Prev = launch, item
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=item, Last=launch, Count=2))
    item.Parent = launch.Parent = outlines
    pdf.Root.Outlines = outlines
    return _bytes(pdf)


def xfa_form() -> bytes:
    pdf = _plain()
    xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script>boese()</script></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=xfa)
    pdf.Root.NeedsRendering = True
    return _bytes(pdf)


def hex_escaped_names() -> bytes:
    """``/J#61vaScript`` is ``/JavaScript`` to every reader, but not to a byte search (written by hand,
    with a correct cross-reference table, since qpdf would normalise the names)."""
    content = b"BT /F1 12 Tf 72 760 Td (" + PAGE_TEXT + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources "
        b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    assert b"/JavaScript" not in out and b"/OpenAction" not in out
    return bytes(out)


def _walk(pdf: Pdf) -> Iterator[pikepdf.Object]:
    stack: list = [pdf.trailer, *pdf.objects]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Dictionary | pikepdf.Stream):
            yield obj
            stack.extend(obj[k] for k in obj.keys() if not getattr(obj[k], "is_indirect", False))
        elif isinstance(obj, Array):
            stack.extend(item for item in obj if not getattr(item, "is_indirect", False))


def active_content(pdf: Pdf) -> list[str]:
    """Everything that could run, call out or carry a file, wherever it sits in the stored file."""
    found = []
    for obj in _walk(pdf):
        found += [
            k
            for k in ("/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA")
            if k in obj
        ]
        if str(obj.get("/S")) in UNSAFE_ACTIONS:
            found.append(str(obj.get("/S")))
        if (
            str(obj.get("/Subtype")) in {"/FileAttachment", "/EmbeddedFile"}
            or str(obj.get("/Type")) == "/EmbeddedFile"
        ):
            found.append("embedded file")
        if "/NeedsRendering" in obj:
            found.append("/NeedsRendering")
    return found


def _apply(data: bytes, name: str = "plan.pdf") -> Permit:
    draft = PermitDraft(
        kind="geruest",
        geometry=NEUSTADT,
        start=future(10),
        end=future(20, 18),
        applicant=applicant(),
        attachments=[Upload(file=io.BytesIO(data), name=name, size=len(data))],
    )
    return permit_create(draft=draft).permit


def _stored(permit: Permit) -> Pdf:
    attachment = permit.attachments.get()
    assert attachment.content_type == "application/pdf"
    with default_storage.open(attachment.file.name, "rb") as handle:
        data = handle.read()
    assert attachment.size == len(data)
    return Pdf.open(io.BytesIO(data))


MALICIOUS: list[tuple[str, Callable[[], bytes]]] = [
    ("javascript-open-action", javascript_open_action),
    ("embedded-file", embedded_file),
    ("uri-link-submit-form-outline-launch", links_and_outline_actions),
    ("xfa", xfa_form),
    ("hex-escaped-names", hex_escaped_names),
]


@pytest.mark.parametrize("make", [m for _, m in MALICIOUS], ids=[n for n, _ in MALICIOUS])
def test_active_content_is_removed_and_the_page_survives(make):
    data = make()
    with Pdf.open(io.BytesIO(data)) as original:
        assert active_content(original)  # the test file really carries what it should
    with _stored(_apply(data)) as stored:
        assert active_content(stored) == []
        assert len(stored.pages) == 1
        assert PAGE_TEXT in stored.pages[0].Contents.read_bytes()
        assert len(stored.attachments) == 0


def test_outline_and_link_annotation_stay_without_their_actions():
    with _stored(_apply(links_and_outline_actions())) as stored:
        titles = [str(item.title) for item in stored.open_outline().root]
        assert titles == ["Kapitel", "Start"]
        subtypes = [str(a.Subtype) for a in stored.pages[0].Annots]
        assert subtypes == ["/Link", "/Widget"]
        assert all("/A" not in a for a in stored.pages[0].Annots)


def test_a_normal_pdf_is_stored_with_its_page():
    with _stored(_apply(_bytes(_plain()))) as stored:
        assert active_content(stored) == []
        assert stored.pages[0].MediaBox == [0, 0, 595, 842]
        assert PAGE_TEXT in stored.pages[0].Contents.read_bytes()


def _encrypted(user: str) -> bytes:
    return _bytes(_plain(), encryption=pikepdf.Encryption(owner="eigentuemer", user=user))


REFUSED = [
    ("password", lambda: _encrypted("geheim"), "ist verschlüsselt"),
    ("encrypted-without-password", lambda: _encrypted(""), "ist verschlüsselt"),
    ("truncated", lambda: _bytes(_plain())[: len(_bytes(_plain())) // 2], "ist kein lesbares PDF"),
    ("header-only", lambda: b"%PDF-1.7\n%%EOF\n", "ist kein lesbares PDF"),
    ("no-pages", lambda: _bytes(pikepdf.new()), "ist kein lesbares PDF"),
]


def _files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize(("make", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_encrypted_or_unreadable_pdf_is_refused_naming_the_file_and_nothing_is_stored(make, message):
    with pytest.raises(ValidationFailed) as info:
        _apply(make(), name="plan.pdf")
    errors = info.value.errors["attachments"]
    assert len(errors) == 1
    assert errors[0].startswith("Die Datei „plan.pdf“ " + message)
    assert Permit.objects.count() == 0 and PermitAttachment.objects.count() == 0
    assert _files() == []
