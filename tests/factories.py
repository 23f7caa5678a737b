"""Small helpers to create real reports through the service (never by writing models directly)."""

from __future__ import annotations

import io

from PIL import Image

from domains.reports.services import PhotoUpload, ReportDraft, report_create

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


def set_status(report, status: str, *, public_note: str = "", internal_note: str = "") -> None:
    """Move ``report`` like a caseworker of its organisation would (``domains.reports.services.triage``), creating that
    caseworker on first use."""
    from django.contrib.auth import get_user_model

    from domains.reports.services import report_change_status
    from kernel.organisations.services import membership_set

    username = f"sachbearbeitung-{report.organisation_id}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = get_user_model().objects.create_user(username=username, password="ein-sicheres-Passwort-42")
        membership_set(actor=None, organisation=report.organisation, username=username, role="caseworker")
    report_change_status(
        actor=user,
        public_id=report.public_id,
        status=status,
        public_note=public_note,
        internal_note=internal_note,
    )
