"""The photo pipeline: only clean, upright, bounded JPEGs come out; everything else is refused by name.

All images are generated here with Pillow (and pillow-heif for HEIC); only the megapixel and size cases
are big, and those compress to a few kilobytes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from PIL import ExifTags, Image, ImageCms, JpegImagePlugin
from PIL.PngImagePlugin import PngInfo

from kernel.cases.images import (
    DISPLAY_EDGE,
    HEIF_FORMATS,
    MAX_BYTES,
    THUMB_EDGE,
    PhotoRejected,
    ProcessedPhoto,
    process_photo,
)

RED, BLUE, WHITE = (220, 20, 20), (20, 60, 200), (255, 255, 255)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="iPhone 15"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
COMMENT = b"Aufgenommen Hauptstrasse 12 Dresden"


def _encode(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **options)
    return buf.getvalue()


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15"
    exif[ExifTags.Base.DateTime] = "2025:05:17 09:41:00"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 3.0, 2.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 44.0, 14.3)
    return exif


def _cornered(size: tuple[int, int]) -> Image.Image:
    """Blue picture with a red block in the top-left corner, to see where that corner ends up."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 5, size[1] // 5))
    return image


def _photo_like(size: tuple[int, int]) -> Image.Image:
    """Gradients plus noise: compresses like a photo, so half of the file is half of the scan."""
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, 40)
    blue = Image.linear_gradient("L").rotate(90).resize((width, height))
    return Image.merge("RGB", (red, green, blue))


def _run(data: bytes, name: str = "foto.jpg", **kwargs) -> ProcessedPhoto:
    return process_photo(io.BytesIO(data), name, **kwargs)


def _out(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    image.load()
    return image


def _close(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


# --- metadata ---------------------------------------------------------------------------------------


def test_gps_camera_exif_xmp_and_icc_profile_are_removed():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _encode(_photo_like((320, 240)), exif=_exif(), xmp=XMP, icc_profile=icc)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo) and "xmp" in source.info  # the input has them
    result = _run(data)
    for blob in (result.display, result.thumbnail):
        image = _out(blob)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile"} & image.info.keys()
        for needle in (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"iPhone", b"Apple", b"2025:05:17"):
            assert needle not in blob


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_comments_are_removed(fmt):
    pnginfo = PngInfo()
    pnginfo.add_text("comment", COMMENT.decode())  # a tEXt chunk; Pillow reads it as info["comment"]
    options = {"comment": COMMENT} if fmt == "JPEG" else {"pnginfo": pnginfo}
    result = _run(_encode(_photo_like((120, 90)), fmt, **options), f"foto.{fmt.lower()}")
    for blob in (result.display, result.thumbnail):
        assert "comment" not in _out(blob).info
        assert COMMENT not in blob


# --- orientation and size ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [
        (1, (400, 200), "top-left"),
        (3, (400, 200), "bottom-right"),
        (6, (200, 400), "top-right"),  # rotate 90° clockwise: the phone was held upright
        (8, (200, 400), "bottom-left"),
    ],
)
def test_exif_orientation_is_applied(orientation, size, red_at):
    data = _encode(_cornered((400, 200)), exif=_exif(orientation), quality=95)
    image = _out(_run(data).display)
    assert image.size == size
    width, height = size
    corners = {
        "top-left": (5, 5),
        "top-right": (width - 6, 5),
        "bottom-left": (5, height - 6),
        "bottom-right": (width - 6, height - 6),
    }
    for corner, xy in corners.items():
        assert _close(image.getpixel(xy), RED if corner == red_at else BLUE), corner


@pytest.mark.parametrize(
    ("source", "display", "thumb"),
    [
        ((2500, 1000), (1920, 768), (400, 160)),
        ((1000, 2500), (768, 1920), (160, 400)),
        ((2000, 2000), (1920, 1920), (400, 400)),
        ((3001, 1999), (1920, 1279), (400, 266)),
    ],
)
def test_display_and_thumbnail_fit_their_edges_keeping_the_aspect_ratio(source, display, thumb):
    result = _run(_encode(Image.new("RGB", source, BLUE), "PNG"), "foto.png")
    big, small = _out(result.display), _out(result.thumbnail)
    assert (result.width, result.height) == big.size
    assert max(big.size) == DISPLAY_EDGE and max(small.size) == THUMB_EDGE
    for got, want in ((big.size, display), (small.size, thumb)):
        assert abs(got[0] - want[0]) <= 1 and abs(got[1] - want[1]) <= 1


def test_small_images_are_not_upscaled():
    result = _run(_encode(Image.new("RGB", (300, 200), BLUE)))
    assert _out(result.display).size == _out(result.thumbnail).size == (300, 200)
    assert (result.width, result.height, result.source_format) == (300, 200, "JPEG")


@pytest.mark.parametrize(
    ("orientation", "display", "thumb"), [(1, (1920, 1440), (400, 300)), (6, (1440, 1920), (300, 400))]
)
def test_big_jpeg_is_draft_decoded_to_about_the_display_size(monkeypatch, orientation, display, thumb):
    drafts = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        drafts.append((mode, size))
        result = original(self, mode, size)
        drafts.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    data = _encode(_cornered((4000, 3000)), exif=_exif(orientation), quality=80)
    result = _run(data)
    assert drafts == [("RGB", (1920, 1440)), (2000, 1500)]  # libjpeg scaled by 1/2, not below the target
    assert _out(result.display).size == display and _out(result.thumbnail).size == thumb
    top_right = _out(result.display).getpixel((display[0] - 10, 10))
    assert _close(top_right, RED if orientation == 6 else BLUE)


# --- accepted formats -------------------------------------------------------------------------------


def test_transparent_png_areas_become_white():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((*RED, 255), (100, 0, 200, 100))
    display = _out(_run(_encode(image, "PNG"), "logo.png").display)
    assert display.mode == "RGB"
    assert _close(display.getpixel((20, 50)), WHITE, 5)
    assert _close(display.getpixel((180, 50)), RED)


@pytest.mark.parametrize("transparent", [False, True])
def test_palette_png_is_accepted(transparent):
    image = Image.new("P", (120, 60), 0)
    image.putpalette([*BLUE, *RED] + [0] * 762)
    image.paste(1, (60, 0, 120, 60))
    options = {"transparency": 0} if transparent else {}
    result = _run(_encode(image, "PNG", **options), "plan.png")
    display = _out(result.display)
    assert result.source_format == "PNG" and display.mode == "RGB"
    assert _close(display.getpixel((10, 30)), WHITE if transparent else BLUE, 10)
    assert _close(display.getpixel((110, 30)), RED)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("WEBP", "foto.webp"), ("HEIF", "IMG_0001.HEIC"), ("PNG", "bild.png")],
)
def test_webp_heic_and_png_are_accepted(fmt, name):
    if fmt == "HEIF" and not HEIF_FORMATS:
        pytest.skip("pillow-heif is not installed")
    result = _run(_encode(_cornered((300, 200)), fmt, quality=95), name)
    display = _out(result.display)
    assert result.source_format == fmt and display.size == (300, 200)
    assert _close(display.getpixel((5, 5)), RED) and _close(display.getpixel((290, 190)), BLUE)


def test_jpeg_with_an_mpf_gain_map_is_accepted_as_one_photo():
    gain_map = Image.new("RGB", (100, 75), (128, 128, 128))
    data = _encode(_cornered((400, 300)), "MPO", save_all=True, append_images=[gain_map], quality=95)
    display = _out(_run(data, "PXL_20250517.jpg").display)
    assert display.size == (400, 300)
    assert _close(display.getpixel((5, 5)), RED) and _close(display.getpixel((390, 290)), BLUE)


@pytest.mark.parametrize(("mode", "key", "opaque"), [("RGB", (0, 0, 0), RED), ("L", 0, (200,) * 3)])
def test_colour_keyed_png_transparency_becomes_white(mode, key, opaque):
    image = Image.new(mode, (200, 100), key)
    image.paste(opaque if mode == "RGB" else opaque[0], (100, 0, 200, 100))
    display = _out(_run(_encode(image, "PNG", transparency=key), "key.png").display)
    assert _close(display.getpixel((180, 50)), opaque)
    assert _close(display.getpixel((20, 50)), WHITE, 5)


def test_sixteen_bit_grayscale_png_keeps_its_brightness():
    data = _encode(Image.new("I;16", (50, 40), 30_000), "PNG")  # 30000 / 65535 ≈ 46 % grey
    assert _close(_out(_run(data, "scan.png").display).getpixel((25, 20)), (117, 117, 117))


def test_polyglot_jpeg_is_accepted_without_the_trailing_html():
    data = _encode(_cornered((160, 120))) + b"<html><script>alert(1)</script></html>"
    result = _run(data, "harmlos.jpg")
    assert _out(result.display).size == (160, 120)
    for blob in (result.display, result.thumbnail):
        assert b"<html" not in blob and b"script" not in blob and b"alert(1)" not in blob


# --- refusals ---------------------------------------------------------------------------------------


def _png_declaring(width: int, height: int) -> bytes:
    """A real 1-bit PNG of the given size, all black: a few kilobytes that decode to ``width × height``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress((b"\0" * (1 + (width + 7) // 8)) * height, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (40, 30), colour) for colour in (RED, BLUE)]
    return _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=200, loop=0)


def _jpeg_over_40_mp() -> bytes:
    return _encode(Image.new("L", (8000, 5100)), quality=20)  # 40.8 MP, about 200 kB


def _truncated_jpeg() -> bytes:
    data = _encode(_photo_like((640, 480)))
    return data[: len(data) // 2]


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("foto.jpg", _encode(_cornered((40, 30))))
    return buf.getvalue()


SVG = b"""<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>"""
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
UNSUPPORTED = "kein unterstütztes Foto"
BROKEN = "beschädigt"
TOO_BIG = "mehr als 40 Megapixel"
ANIMATED = "mehrere Bilder oder eine Animation"

REFUSALS: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("text", "notiz.jpg", lambda: "Schlagloch in der Hauptstraße.\n".encode(), UNSUPPORTED),
    ("empty", "leer.jpg", lambda: b"", "ist leer"),
    ("truncated-jpeg", "halb.jpg", _truncated_jpeg, BROKEN),
    ("bomb-png-48mp", "bombe.png", lambda: _encode(Image.new("1", (8000, 6000)), "PNG"), TOO_BIG),
    ("bomb-png-100mp", "bombe2.png", lambda: _png_declaring(10_000, 10_000), TOO_BIG),
    ("jpeg-40.8mp", "riesig.jpg", _jpeg_over_40_mp, TOO_BIG),
    ("svg-with-script", "bild.svg", lambda: SVG, UNSUPPORTED),
    ("pdf", "scan.pdf", lambda: PDF, UNSUPPORTED),
    ("animated-gif", "lustig.gif", lambda: _animated("GIF"), UNSUPPORTED),
    ("still-gif", "still.gif", lambda: _encode(_cornered((40, 30)), "GIF"), UNSUPPORTED),
    ("apng", "animiert.png", lambda: _animated("PNG"), ANIMATED),
    ("animated-webp", "animiert.webp", lambda: _animated("WEBP"), ANIMATED),
    ("zip-renamed", "archiv.jpg", _zip, UNSUPPORTED),
    ("over-15-mb", "gross.jpg", lambda: _encode(_cornered((40, 30))) + b"\0" * MAX_BYTES, "größer als 15 MB"),
]


@pytest.mark.parametrize(
    ("name", "make", "reason"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS]
)
def test_bad_uploads_are_refused_naming_the_file(name, make, reason):
    with pytest.raises(PhotoRejected) as info:
        _run(make(), name)
    assert info.value.filename == name
    assert info.value.errors == {"photos": [info.value.message]}
    assert f"„{name}“" in info.value.message
    assert reason in info.value.message


def test_megapixel_limit_does_not_rely_on_pillows_global_guard(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # e.g. another library switched it off
    with pytest.raises(PhotoRejected, match="mehr als 40 Megapixel"):
        _run(_jpeg_over_40_mp(), "riesig.jpg")


def test_animated_png_and_webp_really_have_two_frames():
    """Guards the refusal cases above: they must fail for the animation, not for a broken file."""
    for fmt in ("PNG", "WEBP"):
        assert Image.open(io.BytesIO(_animated(fmt))).n_frames == 2


def test_size_limit_is_inclusive_and_uses_the_given_size():
    data = _encode(_cornered((40, 30)))
    assert _run(data, size=MAX_BYTES).width == 40
    with pytest.raises(PhotoRejected, match="größer als 15 MB"):
        _run(data, size=MAX_BYTES + 1)


def test_field_argument_is_the_error_key():
    with pytest.raises(PhotoRejected) as info:
        _run(b"", "leer.jpg", field="media")
    assert list(info.value.errors) == ["media"]
    assert "„leer.jpg“ ist leer" in info.value.errors["media"][0]


def test_only_the_base_name_of_a_path_is_shown():
    with pytest.raises(PhotoRejected) as info:
        _run(b"kein Bild", "C:/Users/anna/../Bilder/notiz.jpg")
    assert info.value.filename == "notiz.jpg"
    assert "Users" not in info.value.message
