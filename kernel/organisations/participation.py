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
MODERATION_MODES = {"pre": "erst nach Freigabe", "post": "sofort, nachträglich prüfen"}


def organisation_set_participation(
    *, actor: Any, organisation: Organisation, questionnaire_days: Any, update_moderation: Any
) -> Organisation:
    require_admin(actor, organisation.pk)
    errors: dict[str, list[str]] = {}
    text = str(questionnaire_days or "").strip()
    low, high = QUESTIONNAIRE_DAYS
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and low <= int(text) <= high):
        errors["questionnaire_days"] = [f"Bitte eine ganze Zahl von {low} bis {high} Tagen angeben."]
    if update_moderation not in MODERATION_MODES:
        errors["update_moderation"] = ["Bitte „pre“ oder „post“ wählen."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        org.questionnaire_days, org.update_moderation = int(text), update_moderation
        org.save(update_fields=["questionnaire_days", "update_moderation"])
        audit(
            actor=actor,
            action="organisation.participation",
            obj=org,
            organisation=org,
            summary=(
                f"Rückfrage nach {org.questionnaire_days} Tagen; Ergänzungen "
                f"{MODERATION_MODES[org.update_moderation]}"
            ),
        )
    return org
