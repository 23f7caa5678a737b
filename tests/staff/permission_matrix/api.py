"""Rows for the staff API (token), the media view and the Django admin."""

from __future__ import annotations

from tests.staff.permission_matrix.core import (
    API_LIST,
    API_PERMIT,
    API_REPORT,
    CREW_JOB,
    MANAGERS,
    ROLES,
    Case,
    _fee_claim,
    _media,
    _permit,
    _report,
    _report_id,
    _report_state,
    rows,
)
from tests.staff.permission_matrix.web import _handoff, _handoff_list


def _intake(scene):
    from tests.staff.permission_matrix.web import _intake as web_intake

    return web_intake(scene)


def _report_count(scene) -> int:
    from domains.reports.models import Report

    return Report.objects.count()


API = [
    Case("staff-report-list", API_LIST, api=True, shows=_report_id, sees=CREW_JOB),
    Case(
        "staff-report-list",
        {
            **API_LIST,
            "owner": 201,
            "admin": 201,
            "other": 400,
            "other_admin": 400,
            "crew": 403,
            "enforcement": 403,
        },
        "post",
        data=_intake,
        api=True,
        state=_report_count,
        writes=MANAGERS,
    ),  # fmt: skip
    Case("staff-report-detail", API_REPORT, kwargs=_report, api=True),
    Case(
        "staff-report-detail",
        {**API_REPORT, "crew": 404},  # not the crew's job
        variant="unassigned",
        kwargs=lambda s: {"public_id": s.other_report.public_id},
        api=True,
    ),
    Case(
        "staff-report-detail",
        {**API_REPORT},
        "patch",
        kwargs=_report,
        data=lambda s: {"status": "in_progress"},  # the crew may move its own job on
        api=True,
        state=_report_state,
        writes=CREW_JOB,
    ),
    Case(
        "staff-report-detail",
        {**API_REPORT, "crew": 403},
        "patch",
        variant="assign",
        kwargs=_report,
        data=lambda s: {"assignee": "crew_a2"},  # … but not hand it to someone else
        api=True,
        state=_report_state,
        writes=MANAGERS,
    ),
    Case(
        "staff-report-bulk",
        {**API_LIST},  # each case's own rules: another commune's id is "not_found" in a 200, unchanged
        "post",
        data=lambda s: {"ids": [s.report.public_id], "action": "status", "status": "in_progress"},
        api=True,
        state=_report_state,
        writes=CREW_JOB,
    ),
    Case(
        "staff-handoff-list",
        API_LIST,
        kwargs=_handoff_list,
        api=True,
        shows=lambda s: "Matrix Tiefbau",
        sees=MANAGERS,
    ),
    Case(
        "staff-handoff-list",
        {**API_REPORT, "owner": 201, "admin": 201, "crew": 403},
        "post",
        data=lambda s: {
            "report": s.report.public_id,
            "name": "Tiefbau GmbH",
            "email": "t@tiefbau.example",
            "due": "2099-01-01",
        },
        api=True,
        state=_report_state,
        writes=MANAGERS,
    ),
    Case(
        "staff-report-inquiry",
        {**API_REPORT, "owner": 201, "admin": 201, "crew": 403},
        "post",
        kwargs=_report,
        data=lambda s: {"question": "Welche Hausnummer?"},
        api=True,
        state=_report_state,
        writes=MANAGERS,
    ),
    Case(
        "staff-photo-redact",
        {**API_REPORT, "owner": 200, "admin": 200, "crew": 403},
        "post",
        kwargs=lambda s: {"public_id": s.hidden_photo.report.public_id, "photo_id": s.hidden_photo.pk},
        data=lambda s: {"boxes": [[10, 10, 50, 40]]},
        api=True,
        state=lambda s: type(s.hidden_photo).objects.filter(pk=s.hidden_photo.pk).values().first(),
        writes=MANAGERS,
    ),
    Case(
        "staff-handoff-revoke",
        {**API_REPORT, "crew": 404},
        "post",
        kwargs=lambda s: {"pk": _handoff(s).pk},
        api=True,
        state=rows(_handoff),
        writes=MANAGERS,
    ),
    Case("permit-conflicts", API_PERMIT, kwargs=_permit, api=True),
    Case("staff-permit-list", API_LIST, api=True, shows=lambda s: s.permit.public_id, sees=MANAGERS),
    Case("staff-permit-detail", API_PERMIT, kwargs=_permit, api=True),
    Case(
        "staff-permit-detail",
        API_PERMIT,
        "patch",
        kwargs=_permit,
        data=lambda s: {"status": "rejected", "public_note": "Abgelehnt"},
        api=True,
        state=rows(lambda s: s.permit),
        writes=MANAGERS,
    ),
    Case(
        "staff-permit-notice",
        API_PERMIT,
        kwargs=lambda s: {"public_id": s.approved.public_id, "notice_id": s.notice_file.pk},
        api=True,
    ),
    Case(
        "staff-permit-payment",
        API_PERMIT,
        "post",
        kwargs=lambda s: {"public_id": s.approved.public_id},
        api=True,
        state=lambda s: _fee_claim(s),
        writes=MANAGERS,
    ),
]

# Media (interfaces.web.media): every file is found through its owning row; what may not be seen is 404.
PUBLIC_FILE = dict.fromkeys(ROLES, 200)
HIDDEN_PHOTO = {**dict.fromkeys(ROLES, 404), "owner": 200, "admin": 200, "crew": 200}  # crew: its job
PERMIT_FILE = {**dict.fromkeys(ROLES, 404), "owner": 200, "admin": 200}
MEDIA = [
    Case("media", PUBLIC_FILE, variant="photo", kwargs=_media(lambda s: s.public_photo.image)),
    Case("media", PUBLIC_FILE, variant="thumbnail", kwargs=_media(lambda s: s.public_photo.thumbnail)),
    Case("media", HIDDEN_PHOTO, variant="hidden-photo", kwargs=_media(lambda s: s.hidden_photo.image)),
    Case(
        "media", HIDDEN_PHOTO, variant="hidden-thumbnail", kwargs=_media(lambda s: s.hidden_photo.thumbnail)
    ),
    Case("media", PERMIT_FILE, variant="permit-attachment", kwargs=_media(lambda s: s.attachment.file)),
    Case("media", PERMIT_FILE, variant="permit-notice", kwargs=_media(lambda s: s.notice_file.file)),
    Case(
        "media", dict.fromkeys(ROLES, 404), variant="no-such-file", kwargs=lambda s: {"path": "reports/x.jpg"}
    ),
]

# The Django admin: for operators (is_staff) only; no commune member is one (the second factor for the
# admin: tests/staff/test_second_factor.py). One row stands for the whole namespace (NOT_IN_MATRIX).
ADMIN = [Case("admin:index", dict.fromkeys(ROLES, 302))]
