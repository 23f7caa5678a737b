"""Reads for the Atom feeds: the newest changed reports for a filter, and one report's public history.

Only public fields are selected — never the reporter's name, e-mail or phone, staff names, internal notes
or the tracking-token hash — so nothing private can reach a feed even by a template mistake. The
description and place are shown as ``Report.public_description`` and ``Report.public_place`` (moderation
may have hidden the citizen's text).
"""

from __future__ import annotations

import re

from django.db.models import QuerySet

from domains.reports.models import Report, StatusChange
from domains.reports.selectors import ReportFilter, reports_filtered

# ``description`` is read through ``Report.public_description`` (the placeholder when moderation hid it).
FEED_FIELDS = (
    "public_id",
    "status",
    "created",
    "updated",
    "description",
    "description_hidden",
    "place",
    "nearest_address",
)

# People sometimes type their address into the public description. A page shows it as they wrote it (and
# moderation can hide it); feeds are harvested by machines, so they never carry anything that looks like one.
EMAIL_LIKE = re.compile(r"[\w.%+-]+@[\w-]+(\.[\w-]+)+")
EMAIL_REMOVED = "[E-Mail-Adresse entfernt]"


def without_email_addresses(text: str) -> str:
    return EMAIL_LIKE.sub(EMAIL_REMOVED, text)


def reports_for_feed(flt: ReportFilter, *, limit: int) -> list[Report]:
    """The ``limit`` most recently changed reports matching ``flt`` (newest change first), one query."""
    qs = (
        reports_filtered(flt)
        .select_related("category", "commune")
        .only(
            *FEED_FIELDS,
            "category__name",
            "category__name_en",
            "category__slug",
            "commune__ags",
            "commune__name",
        )
        .order_by("-updated", "-id")
    )
    return list(qs[:limit])


def history_for_feed(report: Report, *, limit: int) -> QuerySet[StatusChange]:
    """The report's public history, newest first: status moves and public notes only (no actor, no
    internal note)."""
    return (
        StatusChange.objects.filter(report=report)
        .only("pk", "from_status", "to_status", "created", "public_note")
        .order_by("-created", "-id")[:limit]
    )
