"""An organisation's choices for citizens' participation: when to ask „Ist der Mangel behoben?“ and
whether citizens' updates appear at once (post-moderation) or after approval (pre-moderation)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import require_admin

QUESTIONNAIRE_DAYS = (1, 90)
# The Rückfrage reminder (issue 30.3): before the answer link's 30 days end.
INQUIRY_REMINDER_DAYS = (1, 29)
MODERATION_MODES = {"pre": "erst nach Freigabe", "post": "sofort, nachträglich prüfen"}


def _days(value: Any, bounds: tuple[int, int], field: str, errors: dict[str, list[str]]) -> int:
    text = str(value or "").strip()
    low, high = bounds
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and low <= int(text) <= high):
        errors[field] = [f"Bitte eine ganze Zahl von {low} bis {high} Tagen angeben."]
        return 0
    return int(text)


def organisation_set_participation(
    *,
    actor: Any,
    organisation: Organisation,
    questionnaire_days: Any,
    update_moderation: Any,
    inquiry_reminder_days: Any = None,
) -> Organisation:
    """``inquiry_reminder_days`` None keeps the organisation's value (callers that do not offer it)."""
    require_admin(actor, organisation.pk)
    errors: dict[str, list[str]] = {}
    days = _days(questionnaire_days, QUESTIONNAIRE_DAYS, "questionnaire_days", errors)
    reminder = organisation.inquiry_reminder_days
    if inquiry_reminder_days is not None:
        reminder = _days(inquiry_reminder_days, INQUIRY_REMINDER_DAYS, "inquiry_reminder_days", errors)
    if update_moderation not in MODERATION_MODES:
        errors["update_moderation"] = ["Bitte „pre“ oder „post“ wählen."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        org.questionnaire_days, org.update_moderation = days, update_moderation
        org.inquiry_reminder_days = reminder
        org.save(update_fields=["questionnaire_days", "update_moderation", "inquiry_reminder_days"])
        audit(
            actor=actor,
            action="organisation.participation",
            obj=org,
            organisation=org,
            summary=(
                f"Rückfrage nach {org.questionnaire_days} Tagen; Ergänzungen "
                f"{MODERATION_MODES[org.update_moderation]}; Erinnerung an Rückfragen nach "
                f"{org.inquiry_reminder_days} Tagen"
            ),
        )
    return org
