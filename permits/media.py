"""Which permit attachments may be fetched, by whom (asked by the one media view, ``web.media``).

Applicants' plans and photos are private: staff whose scope includes the permit
(``organisations.scoping``) and the applicant with the tracking token of the permit get them, always as a
download; everyone else gets the same 404 as for a file that does not exist.
"""

from __future__ import annotations

from typing import Any

from cases.media import MediaFile
from cases.tracking import tracking_token_matches
from organisations.scoping import visible_cases
from permits.models import Permit, PermitAttachment


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
