"""The image pipeline (report photos, permit plans): accept what phones send, store only a clean copy.

Shared by reports and permits, so it lives in the core (STYLE: what both need moves down into geo/).

Every upload is identified by its content (Pillow with an explicit allow-list of decoders — never the
file name or the client's Content-Type), size-checked before decoding (bytes and megapixels, so a
decompression bomb is refused before it costs memory), decoded once (JPEGs in draft mode straight to
about the display size, which is what makes big phone photos fast), rotated by its EXIF orientation and
re-encoded as JPEG without any metadata — no EXIF, GPS, XMP, ICC profile or comment survives. The
original bytes are never written anywhere.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from kernel.core.errors import ValidationFailed

try:  # HEIC/HEIF from iPhones
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False)
    HEIF_FORMATS = ["HEIF"]
except ImportError:  # pragma: no cover - pillow-heif is a pinned dependency
    HEIF_FORMATS = []

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
DISPLAY_EDGE = 1920
THUMB_EDGE = 400
JPEG_QUALITY = 82
THUMB_QUALITY = 75
# Pillow's JPEG decoder also returns "MPO" images: JPEGs with an embedded second image (Ultra HDR /
# iPhone gain maps, camera previews). Only their primary image is used.
ALLOWED_FORMATS = ["JPEG", "PNG", "WEBP", *HEIF_FORMATS]

# Truncated files must fail, not be silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Pillow's own bomb guard as a second line of defence behind the explicit MAX_PIXELS check.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class PhotoRejected(ValidationFailed):
    code = "invalid_photo"

    def __init__(self, filename: str, reason: str, *, field: str = "photos") -> None:
        self.filename = filename
        super().__init__({field: [f"Die Datei „{filename}“ {reason}"]})


@dataclass(frozen=True)
class ProcessedPhoto:
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas (alpha channel or a tRNS colour key) become white, not black;
    16-bit greys are scaled to 8 bits instead of clipped."""
    if image.mode in SIXTEEN_BIT_MODES:
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # Pillow copies some metadata from image.info when saving (e.g. a JPEG/PNG comment): drop it all
    # and pass no exif=/icc_profile=/comment= arguments, so nothing but pixels is written.
    image.info = {}
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


TOO_MANY_PIXELS = f"hat mehr als {MAX_PIXELS // 1_000_000} Megapixel."


def _open(fp: BinaryIO, name: str, field: str) -> Image.Image:
    """Open with the allow-listed decoders only; reads the header, not the pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(fp, formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(name, TOO_MANY_PIXELS, field=field) from None
    except UnidentifiedImageError:
        raise PhotoRejected(
            name, "ist kein unterstütztes Foto (erlaubt sind JPEG, PNG, WebP und HEIC).", field=field
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoRejected(name, "ist beschädigt und kann nicht gelesen werden.", field=field) from None


def process_photo(
    fp: BinaryIO,
    filename: str,
    *,
    size: int | None = None,
    field: str = "photos",
    display_edge: int = DISPLAY_EDGE,
    max_bytes: int = MAX_BYTES,
) -> ProcessedPhoto:
    """Validate and re-encode one uploaded image. Raises :class:`PhotoRejected` naming the file.

    ``display_edge`` is the long edge of the stored copy (1,920 px for photos; plans keep more detail).
    """
    name = (filename or "Foto").rsplit("/", 1)[-1][:120]
    if size is None:
        fp.seek(0, io.SEEK_END)
        size = fp.tell()
    fp.seek(0)
    if size > max_bytes:
        raise PhotoRejected(name, f"ist größer als {max_bytes // (1024 * 1024)} MB.", field=field)
    if size == 0:
        raise PhotoRejected(name, "ist leer.", field=field)
    image = _open(fp, name, field)
    with image:
        return _process_open_image(image, name, field, display_edge)


def _process_open_image(image: Image.Image, name: str, field: str, display_edge: int) -> ProcessedPhoto:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PhotoRejected(name, TOO_MANY_PIXELS, field=field)
    source_format = "JPEG" if image.format == "MPO" else (image.format or "?")
    if source_format != "JPEG" and (
        getattr(image, "n_frames", 1) > 1 or getattr(image, "is_animated", False)
    ):
        raise PhotoRejected(
            name, "enthält mehrere Bilder oder eine Animation; bitte ein einzelnes Foto senden.", field=field
        )
    if source_format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below the display size (aspect-correct).
        target = _fit((width, height), display_edge)
        image.draft("RGB", target)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(name, TOO_MANY_PIXELS, field=field) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoRejected(
            name, "ist beschädigt oder unvollständig und kann nicht gelesen werden.", field=field
        ) from None
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, KeyError, TypeError, SyntaxError, struct.error):
        pass  # unreadable EXIF: keep the pixels as decoded rather than refuse a real photo
    rgb = _flatten(image)
    display = rgb.copy()
    display.thumbnail((display_edge, display_edge), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        display=_encode(display, JPEG_QUALITY),
        thumbnail=_encode(thumb, THUMB_QUALITY),
        width=display.width,
        height=display.height,
        source_format=source_format,
    )
