"""An organisation's settings of the daily escalation digest (issue 30.6): on or off, after how many days
a case still "Eingegangen" counts as not accepted (N), after how many days overdue the admins get it too
(M, empty: no second level), and the recipient (empty: the general address).

The digest itself is built in ``domains.reports.escalation``; this module only validates and stores the
settings, all or none, with an audit entry (``save_settings``)."""

from __future__ import annotations

from typing import Any

from kernel.core.errors import ValidationFailed
from kernel.notifications.services import email_is_valid
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import require_admin
from kernel.organisations.services import save_settings

ESCALATION_FIELDS = (
    "escalation_enabled",
    "escalation_unaccepted_days",
    "escalation_admin_days",
    "escalation_recipient",
)
UNACCEPTED_BOUNDS = (1, 60)
ADMIN_BOUNDS = (1, 90)


def _days(raw: Any, bounds: tuple[int, int], *, what: str, optional: bool) -> tuple[int | None, str]:
    """Whole days within ``bounds`` (or None for an empty optional value), else a German message."""
    text = str(raw if raw is not None else "").strip()
    if not text and optional:
        return None, ""
    low, high = bounds
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        return None, f"{what}: bitte eine ganze Zahl von {low} bis {high} angeben."
    return int(text), ""


def organisation_set_escalation(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> Organisation:
    """Validate and store the digest settings from form values (``escalation_enabled`` present = on)."""
    require_admin(actor, organisation.pk)
    errors: dict[str, list[str]] = {}
    unaccepted, message = _days(
        values.get("escalation_unaccepted_days"),
        UNACCEPTED_BOUNDS,
        what="Nicht angenommen nach",
        optional=False,
    )
    if message:
        errors["escalation_unaccepted_days"] = [message]
    admin_days, message = _days(
        values.get("escalation_admin_days"), ADMIN_BOUNDS, what="Zweite Stufe nach", optional=True
    )
    if message:
        errors["escalation_admin_days"] = [message]
    recipient = str(values.get("escalation_recipient") or "").strip()
    if recipient and not email_is_valid(recipient):
        errors["escalation_recipient"] = ["Bitte eine gültige E-Mail-Adresse angeben, z. B. amt@beispiel.de."]
    if errors:
        raise ValidationFailed(errors)
    cleaned = {
        "escalation_enabled": values.get("escalation_enabled") in ("on", "1", "true", True),
        "escalation_unaccepted_days": unaccepted,
        "escalation_admin_days": admin_days,
        "escalation_recipient": recipient,
    }
    return save_settings(
        actor=actor,
        organisation=organisation,
        cleaned=cleaned,
        action="organisation.escalation",
        what="Tägliche Übersicht",
    )
