"""Small helpers to create real reports through the service (never by writing models directly)."""

from __future__ import annotations

import io

from PIL import Image

from reports.services import PhotoUpload, ReportDraft, report_create

DRESDEN = (13.7373, 51.0504)  # Altmarkt
LEIPZIG = (12.3747, 51.3397)  # Markt
CHEMNITZ = (12.9214, 50.8333)


def jpeg_bytes(size: tuple[int, int] = (800, 600), color: tuple[int, int, int] = (120, 130, 140)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def photo(name: str = "foto.jpg", data: bytes | None = None) -> PhotoUpload:
    data = jpeg_bytes() if data is None else data
    return PhotoUpload(file=io.BytesIO(data), name=name, size=len(data))


def make_report(
    *,
    lonlat: tuple[float, float] = DRESDEN,
    category: str = "schlagloch",
    description: str = "Tiefes Schlagloch auf der Fahrbahn",
    email: str = "",
    name: str = "",
    phone: str = "",
    photos: list[PhotoUpload] | None = None,
    place: str = "",
):
    draft = ReportDraft(
        category=category,
        description=description,
        lon=lonlat[0],
        lat=lonlat[1],
        email=email,
        name=name,
        phone=phone,
        place=place,
        photos=photos or [],
    )
    return report_create(draft=draft)
