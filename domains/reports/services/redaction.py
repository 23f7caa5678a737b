"""Staff black out rectangles on a report photo (faces, licence plates, house numbers; issue 31.5).

The one write path for redaction, used by the staff page and the staff API. The boxes are given in pixels
of the stored display image (``ReportPhoto.width``/``height``, which is what staff see). The public image
and thumbnail are rebuilt from the unredacted original with *every* box drawn so far, under new random
names, so the old public URLs are no row's file any more and answer 404 at once (``domains.reports.media``);
the old files are deleted after the commit. The original is kept under a name that was never public and
only staff who may see the report get it. Nothing else caches photo URLs: tiles carry none, lists, GeoJSON,
OGC API and feeds read the URLs live and revalidate by ETag — bumping ``Report.updated`` makes feeds and
Open311 clients see the change. A shared HTTP cache may still hold the *old* URL's bytes for at most
``PUBLIC_MAX_AGE_SECONDS`` (kernel.cases.media); nothing on our side serves them.

JPEG compresses in 16×16 pixel blocks (4:2:0), and a black block next to a bright one rings. So the black
area is widened outwards to whole blocks of the encoded image: every pixel inside a box decodes as black
(tested on the decoded files), at the cost of at most 15 extra pixels of black around it.
"""

from __future__ import annotations

import io
import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageDraw

from domains.reports.models import Report, ReportPhoto
from domains.reports.photos import THUMB_EDGE
from domains.reports.services.locking import locked_report
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_note
from kernel.cases.images import JPEG_QUALITY, THUMB_QUALITY
from kernel.core.errors import NotFound, ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.scoping import require_manager

MAX_BOXES = 20  # per request; more is a sign of a wrong tool (hide the photo instead)
BLOCK = 16  # the JPEG's MCU edge with 4:2:0 chroma subsampling (Pillow's default)


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of the display image: left, top, width, height."""

    x: int
    y: int
    width: int
    height: int

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def clean_boxes(raw: Any, *, width: int, height: int) -> list[Box]:
    """The boxes of ``raw`` (a list of ``[x, y, w, h]`` or of mappings with those keys), each checked to lie
    inside a ``width``×``height`` image and not to be empty. Raises :class:`ValidationFailed` in German,
    naming the box, so nothing is changed for one bad row."""
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ValidationFailed({"boxes": ["Bitte geben Sie mindestens einen Bereich zum Schwärzen an."]})
    if len(raw) > MAX_BOXES:
        raise ValidationFailed({"boxes": [f"Höchstens {MAX_BOXES} Bereiche auf einmal."]})
    boxes = []
    for number, item in enumerate(raw, start=1):
        if isinstance(item, dict):
            item = [item.get("x"), item.get("y"), item.get("width"), item.get("height")]
        values = [_as_int(v) for v in item] if isinstance(item, (list, tuple)) and len(item) == 4 else []
        if len(values) != 4 or any(v is None for v in values):
            raise ValidationFailed(
                {"boxes": [f"Bereich {number}: bitte x, y, Breite und Höhe als ganze Pixelzahlen angeben."]}
            )
        x, y, w, h = (int(v) for v in values)  # type: ignore[arg-type]
        if w <= 0 or h <= 0:
            raise ValidationFailed({"boxes": [f"Bereich {number} ist leer (Breite und Höhe mindestens 1)."]})
        if x < 0 or y < 0 or x + w > width or y + h > height:
            raise ValidationFailed(
                {
                    "boxes": [
                        f"Bereich {number} liegt außerhalb des Bildes ({width} × {height} Pixel): "
                        f"x + Breite höchstens {width}, y + Höhe höchstens {height}."
                    ]
                }
            )
        boxes.append(Box(x, y, w, h))
    return boxes


def _blacken(image: Image.Image, boxes: list[list[int]], scale: float) -> None:
    """Fill every box (scaled by ``scale``) black, widened outwards to whole JPEG blocks."""
    draw = ImageDraw.Draw(image)
    for x, y, w, h in boxes:
        left = math.floor(x * scale) // BLOCK * BLOCK
        top = math.floor(y * scale) // BLOCK * BLOCK
        right = min(image.width, math.ceil(math.ceil((x + w) * scale) / BLOCK) * BLOCK)
        bottom = min(image.height, math.ceil(math.ceil((y + h) * scale) / BLOCK) * BLOCK)
        draw.rectangle([left, top, right - 1, bottom - 1], fill=(0, 0, 0))


def _encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.info = {}
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def redacted_derivatives(original: bytes, boxes: list[list[int]]) -> tuple[bytes, bytes]:
    """The public display image and thumbnail of ``original`` with ``boxes`` black."""
    with Image.open(io.BytesIO(original), formats=["JPEG"]) as opened:
        display = opened.convert("RGB")
    _blacken(display, boxes, 1.0)
    thumb = display.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    _blacken(thumb, boxes, thumb.width / display.width)  # resampling blurs the box edges: black again
    return _encode(display, JPEG_QUALITY), _encode(thumb, THUMB_QUALITY)


def _delete_after_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def photo_redact(*, actor: Any, public_id: str, photo_id: int, boxes: Any) -> ReportPhoto:
    """Black out ``boxes`` on photo ``photo_id`` of report ``public_id``: caseworkers and admins of the
    report's organisation only. Raises ``NotFound`` (no such photo of a visible report), ``Forbidden``
    or :class:`ValidationFailed` (a box outside the image, an empty box) — then nothing has changed."""
    with files_for_transaction() as files, transaction.atomic():
        report = locked_report(actor, public_id)
        require_manager(actor, report)
        photo = ReportPhoto.objects.select_for_update().filter(report=report, pk=photo_id).first()
        if photo is None:
            raise NotFound("Foto nicht gefunden.")
        cleaned = clean_boxes(boxes, width=photo.width, height=photo.height)
        source = photo.original.name or photo.image.name
        with default_storage.open(source, "rb") as handle:
            original_bytes = handle.read()
        all_boxes = [*photo.redactions, *(b.as_list() for b in cleaned)]
        display, thumbnail = redacted_derivatives(original_bytes, all_boxes)
        folder = source.rsplit("/", 1)[0]
        stem = uuid.uuid4().hex
        gone = [photo.image.name, photo.thumbnail.name]
        if not photo.original.name:
            photo.original = files.save(f"{folder}/{uuid.uuid4().hex}_o.jpg", original_bytes)
            # The first redaction: the old display image is copied to the original's private name.
        photo.image = files.save(f"{folder}/{stem}.jpg", display)
        photo.thumbnail = files.save(f"{folder}/{stem}_t.jpg", thumbnail)
        photo.redactions = all_boxes
        photo.save(update_fields=["image", "thumbnail", "original", "redactions"])
        _record(report, photo, actor, cleaned)
        _delete_after_commit(gone)
    return photo


def _record(report: Report, photo: ReportPhoto, actor: Any, boxes: list[Box]) -> None:
    """Internal history entry and audit event; ``updated`` moves so feeds and Open311 clients refetch."""
    number = list(report.photos.order_by("position", "id").values_list("pk", flat=True)).index(photo.pk) + 1
    text = f"Foto {number}: {len(boxes)} Bereich(e) geschwärzt."
    record_note(report, actor, internal_note=text)
    report.save(update_fields=["updated"])
    audit(
        actor=actor,
        action="report.photo_redact",
        obj=report,
        organisation=report.organisation_id,
        summary=text,
        photo=photo.pk,
        boxes=[b.as_list() for b in boxes],
    )
