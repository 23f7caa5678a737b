"""Storing a report's photos: at creation, from an Open311 ``media_url`` later, and the crew's after-photo.

The photo pipeline (``domains.reports.photos`` over ``kernel.cases.images``) has already checked and re-encoded every
image; this module only writes the files and rows, through the kernel's transaction-bound files.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction

from domains.reports.models import PhotoKind, Report, ReportPhoto
from domains.reports.photos import MAX_PHOTOS, ProcessedPhoto, process_photo
from kernel.cases.files import TransactionFiles, files_for_transaction
from kernel.core.errors import ValidationFailed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhotoUpload:
    file: BinaryIO
    name: str
    size: int | None = None


def store_photo(
    report: Report,
    photo: ProcessedPhoto,
    files: TransactionFiles,
    *,
    kind: str = PhotoKind.CITIZEN,
    position: int = 0,
    hidden_reason: str = "",
) -> ReportPhoto:
    """Write an already processed photo's two files and its row; ``files`` removes them on rollback.
    With ``hidden_reason`` the photo is stored hidden from the public (e.g. until an update is confirmed)."""
    folder = f"reports/{report.created:%Y/%m}"
    stem = uuid.uuid4().hex  # never the uploaded file name
    return ReportPhoto.objects.create(
        report=report,
        kind=kind,
        image=files.save(f"{folder}/{stem}.jpg", photo.display),
        thumbnail=files.save(f"{folder}/{stem}_t.jpg", photo.thumbnail),
        width=photo.width,
        height=photo.height,
        position=position,
        hidden=bool(hidden_reason),
        hidden_reason=hidden_reason,
    )


def next_photo_position(report: Report, *, kind: str = PhotoKind.CITIZEN) -> int | None:
    """Where one more photo of ``kind`` goes — after every photo the report has — or ``None`` when it
    has ``MAX_PHOTOS`` of that kind already (the caller holds the row lock)."""
    if report.photos.filter(kind=kind).count() >= MAX_PHOTOS:
        return None
    return report.photos.count()


def store_photos(
    report: Report, photos: list[ProcessedPhoto], files: TransactionFiles, start: int = 0
) -> None:
    for position, photo in enumerate(photos, start=start):
        store_photo(report, photo, files, position=position)


def report_attach_photo(*, report: Report, upload: PhotoUpload, field: str = "photos") -> ReportPhoto:
    """Add one photo to an existing report (an Open311 ``media_url`` the task worker fetched).

    The same pipeline and the same limit of 5 photos as at creation; the report row is locked so two
    workers cannot both add the fifth photo. Raises :class:`ValidationFailed` (``PhotoRejected`` for a bad
    image) and leaves no file behind.
    """
    processed = process_photo(upload.file, upload.name, size=upload.size, field=field)
    with files_for_transaction() as files, transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        position = next_photo_position(locked)
        if position is None:
            raise ValidationFailed({field: [f"Höchstens {MAX_PHOTOS} Fotos pro Meldung."]})
        photo = store_photo(locked, processed, files, position=position)
    logger.info("photo added to report %s", report.public_id)
    return photo
