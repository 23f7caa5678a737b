"""The PDF/A renderer of written notices (cases.documents)."""

from __future__ import annotations

from PIL import ImageFile

import cases.documents  # noqa: F401 - importing WeasyPrint must not change Pillow's strictness


def test_importing_the_renderer_keeps_truncated_images_refused():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
