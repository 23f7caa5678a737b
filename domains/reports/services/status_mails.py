"""The reporter stops their status mails with the signed link of a status mail (one click, RFC 8058)."""

from __future__ import annotations

from django.db import transaction

from domains.reports.models import Report
from domains.reports.status_mails import status_mails_token_matches
from kernel.core.errors import NotFound

NOT_FOUND = "Dieser Link ist ungültig."


def report_status_mails_stop(*, public_id: str, token: str) -> None:
    """No more status mails to the reporter of ``public_id`` (``Report.reporter_status_mails``). Idempotent:
    a mail provider may post twice. A wrong token and an unknown report fail alike (``NotFound``), and the
    token is checked before the database is asked, so the answer tells nothing about other reports.

    Locks the row as every status change does, so a change being recorded at this moment either still
    mails (it committed first) or sees the choice. ``QuerySet.update`` leaves ``updated`` alone: the
    public output does not change by a private choice."""
    if not status_mails_token_matches(public_id, token):
        raise NotFound(NOT_FOUND)
    with transaction.atomic():
        row = (
            Report.objects.select_for_update()
            .filter(public_id=public_id)
            .values("pk", "reporter_status_mails")
            .first()
        )
        if row is None:
            raise NotFound(NOT_FOUND)
        if row["reporter_status_mails"]:
            Report.objects.filter(pk=row["pk"]).update(reporter_status_mails=False)
