"""Which report photos may be fetched, by whom (asked by the one media view, ``interfaces.web.media``).

A photo that is not hidden is public. A hidden photo (moderation) — and every photo of a report staff marked
internal or one still held for review (``PUBLIC_REPORTS``) — is gone for the public at once; only staff who may see its report
(``kernel.organisations.scoping``) still get it, privately, to review the decision. The unredacted original of
a redacted photo (``services.redaction``) is never public: staff in scope only, like a hidden photo.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from domains.reports.models import Report, ReportPhoto
from kernel.cases.media import MediaFile
from kernel.organisations.scoping import visible_cases


def photo_file(name: str, *, user: Any, token: str = "") -> MediaFile | None:
    """The display image or thumbnail stored under ``name`` if ``user`` may have it, else ``None``.

    ``token`` (a tracking token) opens no photo: a reporter's photos are either public or hidden."""
    photo = (
        ReportPhoto.objects.filter(Q(image=name) | Q(thumbnail=name) | Q(original=name))
        .values("hidden", "report_id", "report__internal", "report__held_for_review", "original")
        .first()
    )
    if photo is None:
        return None
    is_original = photo["original"] == name
    public_report = not photo["report__internal"] and not photo["report__held_for_review"]
    if not photo["hidden"] and public_report and not is_original:
        return MediaFile(name=name, content_type="image/jpeg", public=True)
    if visible_cases(user, Report.objects.filter(pk=photo["report_id"])).exists():
        return MediaFile(name=name, content_type="image/jpeg", public=False)
    return None
