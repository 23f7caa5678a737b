"""Report photos: the shared image pipeline (cases.images) plus the per-report limit."""

from cases.images import (  # noqa: F401 - re-exported for the reports app and its tests
    ALLOWED_FORMATS,
    DISPLAY_EDGE,
    MAX_BYTES,
    MAX_PIXELS,
    THUMB_EDGE,
    PhotoRejected,
    ProcessedPhoto,
    process_photo,
)

MAX_PHOTOS = 5
