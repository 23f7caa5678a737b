"""Writes for reports, by topic. Every interface (REST, Open311, pages, staff) calls these functions.

- ``creating``: ``report_create`` with validation (the same German message for the same input everywhere)
- ``photos``: storing photos, ``report_attach_photo`` for Open311 ``media_url``
- ``support``: „Ich bin auch betroffen“
- ``correcting``: staff correct the category or move the point (re-routed, handed over if needed)
- ``triage``: staff status changes, notes, assignment, forwarding, duplicates, moderation, crew updates
- ``categories``: the catalogue and a commune's choices per category
- ``priority``: staff set a report's priority (normal / hoch / sofort)
- ``bulk``: the queue's bulk work, case by case through the services above
- ``status_mails``: the reporter stops their status mails (the signed link in each one)

The names below are the package's public interface; callers import them from ``domains.reports.services``.
"""

from domains.reports.services.categories import (
    categories_load_defaults,
    categories_review_confirm,
    category_setting_set,
    commune_category_setting,
)
from domains.reports.services.correcting import report_change_category, report_move
from domains.reports.services.creating import CreatedReport, ReportDraft, report_create
from domains.reports.services.photos import PhotoUpload, report_attach_photo, store_photo
from domains.reports.services.priority import priority_from, report_set_priority
from domains.reports.services.status_mails import report_status_mails_stop
from domains.reports.services.support import (
    MAX_APP_SUPPORTS_PER_ADDRESS,
    SupportResult,
    client_hash,
    report_support,
)
from domains.reports.services.triage import (
    UNSET,
    assignable_members,
    report_assign,
    report_change_status,
    report_crew_update,
    report_forward,
    report_mark_duplicate,
    report_moderate,
    report_staff_patch,
    report_update_notes,
)

__all__ = [
    "MAX_APP_SUPPORTS_PER_ADDRESS",
    "UNSET",
    "CreatedReport",
    "PhotoUpload",
    "ReportDraft",
    "SupportResult",
    "assignable_members",
    "categories_load_defaults",
    "categories_review_confirm",
    "category_setting_set",
    "client_hash",
    "commune_category_setting",
    "priority_from",
    "report_assign",
    "report_attach_photo",
    "report_change_category",
    "report_change_status",
    "report_create",
    "report_crew_update",
    "report_forward",
    "report_mark_duplicate",
    "report_moderate",
    "report_set_priority",
    "report_move",
    "report_staff_patch",
    "report_status_mails_stop",
    "report_support",
    "report_update_notes",
    "store_photo",
]
