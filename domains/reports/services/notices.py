"""Dated notices on the report form (issue 31.1): posted by operators (statewide) and commune admins
(their commune), checked and audited here, whoever calls (Django admin, staff page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from domains.reports.models import ReportingNotice
from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import Forbidden, require_admin


def reporting_notice_save(
    *,
    actor: Any,
    notice: ReportingNotice,
    organisation: Organisation | None,
) -> ReportingNotice:
    """Create or change ``notice``. Statewide (``organisation`` None) only for operators (superusers);
    a commune's notice for its admins. German errors per field; nothing saved on an error."""
    if organisation is None and not getattr(actor, "is_superuser", False):
        raise Forbidden("Landesweite Hinweise stellt nur der Betrieb ein.")
    if organisation is not None and not getattr(actor, "is_superuser", False):
        require_admin(actor, organisation.pk)
    errors: dict[str, list[str]] = {}
    notice.text = (notice.text or "").replace("\r\n", "\n").strip()
    if not notice.text or "\x00" in notice.text or len(notice.text) > 500:
        errors["text"] = ["Bitte einen Hinweis mit höchstens 500 Zeichen angeben."]
    if not isinstance(notice.starts, dt.date) or not isinstance(notice.ends, dt.date):
        errors["ends"] = ["Bitte Beginn und Ende als Datum angeben."]
    elif notice.ends < notice.starts:
        errors["ends"] = ["Das Ende darf nicht vor dem Beginn liegen."]
    if errors:
        raise ValidationFailed(errors)
    notice.organisation = organisation
    with transaction.atomic():
        notice.save()
        audit(
            actor=actor,
            action="reports.notice",
            obj=notice,
            organisation=organisation,
            summary=f"Hinweis {notice.starts:%d.%m.%Y}–{notice.ends:%d.%m.%Y}: {notice.text[:80]}",
        )
    return notice
