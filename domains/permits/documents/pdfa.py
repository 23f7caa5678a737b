"""The PDF pipeline (applicants' plans): store a rewritten copy without active content, never the upload.

Pattern-matching the bytes (``/JavaScript`` …) misses what a PDF can hide in compressed object streams,
hex-escaped names (``/J#61vaScript``) or broken cross-reference tables that viewers repair. Instead every
PDF is parsed by qpdf (through pikepdf), the active parts are removed from the object graph and the file
is written anew; only objects still reachable from the document end up in the stored file.

Removed: the document's JavaScript name tree and ``/OpenAction``; additional actions (``/AA``) wherever
they occur (document, pages, annotations, form fields); actions that leave the document or run code —
Launch, SubmitForm, ImportData, URI, JavaScript, GoToR, GoToE and the multimedia actions — in
annotations, outlines and form fields (only GoTo and Named actions stay, so the table of contents keeps
working); embedded files (the ``/EmbeddedFiles`` name tree, file-attachment annotations, ``/EF``
streams of file specifications) and XFA forms. Multimedia annotations (Sound, Movie, Screen, RichMedia,
3D) are dropped with their content.

Damaged files are not repaired (``attempt_recovery=False``): what qpdf would reconstruct from a truncated
file need not be what the staff's viewer shows, and the applicant can simply save the plan again.
Streams are copied without decoding them (``StreamDecodeLevel.none``), so a compressed bomb in a page's
content costs no memory here. Encrypted PDFs (even those that open without a password) and files qpdf
cannot read are refused with a German message naming the file.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Pdf, Stream

from kernel.cases.images import PhotoRejected

# Actions that may stay: jumps inside the document and viewer commands (next page …).
SAFE_ACTIONS = frozenset({"/GoTo", "/Named"})
# Keys that carry active content or embedded files, removed from every dictionary of the document.
ACTIVE_KEYS = (
    "/OpenAction",
    "/AA",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/RichMediaContent",
)
# Keys whose value is an action (or an array of actions, for /Next).
ACTION_KEYS = ("/A", "/Next", "/PA")
DROPPED = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})


def _is_unsafe_action(value: object) -> bool:
    if not isinstance(value, Dictionary):
        return False
    kind = value.get("/S")
    return kind is not None and str(kind) not in SAFE_ACTIONS


def _clean_dictionary(obj: Dictionary | Stream) -> None:
    for key in ACTIVE_KEYS:
        if key in obj:
            del obj[key]
    if obj.get("/NeedsRendering") is not None:  # XFA's "render me yourself" flag
        del obj["/NeedsRendering"]
    for key in ACTION_KEYS:
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, Array):
            kept = [item for item in value if not _is_unsafe_action(item)]
            if len(kept) != len(value):
                obj[key] = Array(kept)
        elif _is_unsafe_action(value):
            del obj[key]


def _walk(root: object) -> None:
    """Clean ``root`` and every direct (not indirect) dictionary nested in it; indirect objects are
    visited on their own by :func:`_sanitise`, so the walk never follows a reference (no cycles)."""
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Dictionary | Stream):
            _clean_dictionary(obj)
            children = [obj[key] for key in obj.keys()]
        elif isinstance(obj, Array):
            children = list(obj)
        else:
            continue
        stack.extend(child for child in children if not getattr(child, "is_indirect", False))


def _drop_annotations(pdf: Pdf) -> None:
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        kept = [a for a in annots if not (isinstance(a, Dictionary) and str(a.get("/Subtype")) in DROPPED)]
        if len(kept) != len(annots):
            page.obj["/Annots"] = Array(kept)


def _sanitise(pdf: Pdf) -> None:
    _drop_annotations(pdf)
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for key in ("/OpenAction", "/AA", "/Collection"):
        if key in pdf.Root:
            del pdf.Root[key]
    _walk(pdf.trailer)
    for obj in pdf.objects:
        if isinstance(obj, Dictionary | Stream | Array):
            _walk(obj)


def sanitise_pdf(data: bytes, name: str, *, field: str = "attachments") -> bytes:
    """The PDF ``data`` rewritten without active content; :class:`PhotoRejected` (naming ``name``) if it
    is encrypted or cannot be read."""
    try:
        with Pdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                raise PhotoRejected(name, _ENCRYPTED, field=field)
            if len(pdf.pages) == 0:
                raise PhotoRejected(name, _UNREADABLE, field=field)
            _sanitise(pdf)
            out = io.BytesIO()
            pdf.save(
                out,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                fix_metadata_version=False,
            )
    except PhotoRejected:
        raise
    except pikepdf.PasswordError:
        raise PhotoRejected(name, _ENCRYPTED, field=field) from None
    except Exception:  # qpdf parses untrusted bytes: whatever it cannot read is refused, never a 500
        raise PhotoRejected(name, _UNREADABLE, field=field) from None
    return out.getvalue()


_ENCRYPTED = (
    "ist verschlüsselt oder kennwortgeschützt. Bitte laden Sie den Plan ohne Kennwort und ohne Schutz hoch."
)
_UNREADABLE = (
    "ist kein lesbares PDF (beschädigt oder unvollständig). Bitte speichern Sie den Plan erneut als PDF."
)
