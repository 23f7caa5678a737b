"""An organisation's retention periods (DSGVO Art. 5(1)(e)): reads the deadlines, lets its admins set them.

The defaults and bounds live on the model (``kernel.organisations.models.RETENTION_DEFAULTS``); each case type
erases its own data when the period is over (``domains.reports.services.retention``, ``domains.permits.services.retention``)
and ``shared.privacy.retention`` runs them daily.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from kernel.boundaries.naming import german
from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.models import RETENTION_BOUNDS, RETENTION_DEFAULTS, Organisation
from kernel.organisations.scoping import require_admin

RETENTION_FIELDS = tuple(RETENTION_DEFAULTS)


def _checked(values: dict[str, Any]) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    checked: dict[str, int] = {}
    for name in RETENTION_FIELDS:
        low, high = RETENTION_BOUNDS[name]
        raw = values.get(name)
        text = str(raw).strip() if raw is not None else ""
        if not (text.isascii() and text.isdigit() and len(text) <= 5) or not low <= int(text) <= high:
            errors[name] = [f"Bitte eine ganze Zahl von {low} bis {high} angeben."]
            continue
        checked[name] = int(text)
    if errors:
        raise ValidationFailed(errors)
    return checked


def organisation_set_retention(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> Organisation:
    """Set all four retention periods at once (each within ``RETENTION_BOUNDS``). Audited with old and new
    periods; an admin of the organisation only (``actor=None``: a command or a test)."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    checked = _checked(values)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        previous = {name: getattr(organisation, name) for name in RETENTION_FIELDS}
        for name, value in checked.items():
            setattr(organisation, name, value)
        organisation.save(update_fields=list(RETENTION_FIELDS))
        changed = {
            name: [previous[name], checked[name]]
            for name in RETENTION_FIELDS
            if previous[name] != checked[name]
        }
        audit(
            actor=actor,
            action="organisation.retention",
            obj=organisation,
            organisation=organisation,
            summary="Aufbewahrungsfristen geändert" if changed else "Aufbewahrungsfristen bestätigt",
            changed=changed,
        )
    return organisation


def organisations_with_own_retention() -> QuerySet[Organisation]:
    """Active organisations whose periods differ from the defaults (listed on /datenschutz/)."""
    differs = Q()
    for name, default in RETENTION_DEFAULTS.items():
        differs |= ~Q(**{name: default})
    return Organisation.objects.filter(differs, active=True).order_by(german("name"))
