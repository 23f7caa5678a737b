"""The PDF/A renderer of written notices (domains.permits.documents.rendering)."""

from __future__ import annotations

from PIL import ImageFile

import domains.permits.documents.rendering  # noqa: F401 - importing WeasyPrint must not change Pillow's strictness


def test_importing_the_renderer_keeps_truncated_images_refused():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
