"""Report photos: the shared image pipeline (kernel.cases.images) plus the per-report limit."""

from kernel.cases.images import (  # noqa: F401 - re-exported for the reports app and its tests
    ALLOWED_FORMATS,
    DISPLAY_EDGE,
    MAX_BYTES,
    MAX_PIXELS,
    THUMB_EDGE,
    PhotoRejected,
    ProcessedPhoto,
    process_photo,
)

# The one photo limit (issue 28): photos per report and per author — citizens' photos (the report, Open311
# media, updates, questionnaire answers) share 5, the crews' after-photos have 5 of their own. 5 is what
# the form, the API description and the request size budget (MAX_REQUEST_BYTES) promise.
MAX_PHOTOS = 5
