"""Which permit attachments may be fetched, by whom (asked by the one media view, ``interfaces.web.media``).

Applicants' plans and photos are private: staff whose scope includes the permit
(``kernel.organisations.scoping``) and the applicant with the tracking token of the permit get them, always as a
download; everyone else gets the same 404 as for a file that does not exist.
"""

from __future__ import annotations

from typing import Any

from domains.permits.models import Notice, ParkingPermit, Permit, PermitAttachment
from kernel.cases.media import MediaFile
from kernel.cases.tracking import tracking_token_matches
from kernel.organisations.scoping import visible_cases


def attachment_file(name: str, *, user: Any, token: str = "") -> MediaFile | None:
    """The attachment stored under ``name`` if ``user`` (or the holder of ``token``) may have it."""
    attachment = (
        PermitAttachment.objects.filter(file=name)
        .select_related("permit")
        .only("content_type", "original_name", "permit__public_id", "permit__organisation_id")
        .first()
    )
    if attachment is None:
        return None
    permit = attachment.permit
    allowed = (token and tracking_token_matches(Permit, permit.public_id, token)) or visible_cases(
        user, Permit.objects.filter(pk=permit.pk)
    ).exists()
    if not allowed:
        return None
    return MediaFile(
        name=name,
        content_type=attachment.content_type,
        public=False,
        download_name=attachment.original_name or "Anhang",
    )


def notice_filename(case: Any, notice: Notice) -> str:
    names = {"bescheid": "Bescheid", "gebuehrenbescheid": "Gebuehrenbescheid", "parkausweis": "Parkausweis"}
    return f"{names.get(notice.kind, 'Bescheid')}-{case.public_id}.pdf"


def notice_file(name: str, *, user: Any, token: str = "") -> MediaFile | None:
    """A written notice (PDF): for staff whose scope includes the case and for the applicant with the
    case's tracking token; never public, never cached."""
    notice = Notice.objects.filter(file=name).select_related("permit", "parking_permit").first()
    if notice is None:
        return None
    case = notice.case
    model = Permit if notice.permit_id else ParkingPermit
    allowed = (token and tracking_token_matches(model, case.public_id, token)) or visible_cases(
        user, model.objects.filter(pk=case.pk)
    ).exists()
    if not allowed:
        return None
    return MediaFile(
        name=name, content_type="application/pdf", public=False, download_name=notice_filename(case, notice)
    )


def notice_url(notice: Notice, *, token: str = "") -> str:
    """Where a notice is downloaded (``interfaces.web.media``); the applicant's link carries the tracking token."""
    url = notice.file.url
    return f"{url}?token={token}" if token else url
