"""A commune's kinds of special use: the platform's kinds on or off with its own standard conditions,
and its own additional kinds. Admins of the commune's organisation only; each change audited; a refused
change stores nothing (every check before the write, one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from domains.permits.models import FeeUnit, PermitKind, PermitKindSetting
from kernel.cases.fields import FieldErrors, clean_text
from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation, OrganisationKind
from kernel.organisations.scoping import require_admin

CONDITIONS_MAX = 4000  # PermitKind.standard_conditions, PermitKindSetting.standard_conditions
NAME_MAX = 120
DESCRIPTION_MAX = 1000


def _require_commune_admin(actor: Any, organisation: Organisation) -> None:
    require_admin(actor, organisation.pk)
    if organisation.kind != OrganisationKind.COMMUNE:
        raise ValidationFailed({"organisation": ["Arten der Sondernutzung stellen nur Gemeinden ein."]})


def _conditions(value: Any, errors: FieldErrors) -> str:
    """The conditions as entered (trimmed); longer ones are refused, never cut off."""
    text = clean_text(value)
    if len(text) > CONDITIONS_MAX:
        errors.add("standard_conditions", "Die Regelauflagen dürfen höchstens 4.000 Zeichen lang sein.")
        return ""
    return text


def permit_kind_setting_set(
    *,
    actor: Any,
    organisation: Organisation,
    kind: PermitKind,
    enabled: bool,
    standard_conditions: Any,
) -> PermitKindSetting:
    """Switch one of the platform's kinds on or off in the commune and set the commune's own standard
    conditions for it (empty: the platform's apply). Permits already applied for stay as they are."""
    _require_commune_admin(actor, organisation)
    if kind.organisation_id is not None or kind.is_parking or not kind.active:
        raise ValidationFailed({"kind": ["Diese Art gehört nicht zu den Arten der Plattform."]})
    errors = FieldErrors()
    conditions = _conditions(standard_conditions, errors)
    errors.raise_if_any()
    with transaction.atomic():
        setting, _ = PermitKindSetting.objects.update_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"enabled": bool(enabled), "standard_conditions": conditions},
        )
        audit(
            actor=actor,
            action="permit_kind.setting",
            obj=setting,
            organisation=organisation,
            summary=f"{kind.name}: {'angeboten' if enabled else 'abgeschaltet'}, "
            + ("eigene Regelauflagen" if conditions else "Regelauflagen der Plattform"),
            kind=kind.slug,
            enabled=bool(enabled),
            standard_conditions=conditions,
        )
    return setting


@dataclass(frozen=True)
class OwnKindValues:
    """What a commune enters for its own kind (raw form values; the service checks them)."""

    name: Any = ""
    description: Any = ""
    unit: Any = FeeUnit.M2_DAY
    occupies_carriageway: bool = False
    standard_conditions: Any = ""
    active: bool = True


def _checked(values: OwnKindValues, organisation: Organisation, kind: PermitKind | None) -> dict[str, Any]:
    """The model fields of an own kind, or every message at once."""
    errors = FieldErrors()
    name = clean_text(values.name)
    if not name:
        errors.add("name", "Bitte einen Namen für die Art angeben.")
    elif len(name) > NAME_MAX:
        errors.add("name", f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein.")
    elif _name_taken(name, organisation, kind):
        errors.add(
            "name", f"Eine Art „{name}“ gibt es in Ihrer Gemeinde schon; bitte einen anderen Namen wählen."
        )
    description = clean_text(values.description)
    if len(description) > DESCRIPTION_MAX:
        errors.add(
            "description",
            f"Die Beschreibung darf höchstens {DESCRIPTION_MAX:,} Zeichen lang sein.".replace(",", "."),
        )
    unit = clean_text(values.unit)
    if unit not in FeeUnit.values:
        errors.add("unit", "Bitte eine Gebührenbasis aus der Liste wählen.")
    conditions = _conditions(values.standard_conditions, errors)
    errors.raise_if_any()
    return {
        "name": name,
        "description": description,
        "unit": unit,
        "occupies_carriageway": bool(values.occupies_carriageway),
        "standard_conditions": conditions,
        "active": bool(values.active),
    }


def _name_taken(name: str, organisation: Organisation, kind: PermitKind | None) -> bool:
    """Two kinds of one name in a commune's list could not be told apart by an applicant."""
    same = PermitKind.objects.filter(name__iexact=name, is_parking=False)
    same = same.filter(organisation=organisation) | same.filter(organisation__isnull=True)
    if kind is not None:
        same = same.exclude(pk=kind.pk)
    return same.exists()


def _free_slug(organisation: Organisation, name: str) -> str:
    """``<AGS>-<name>``: unique on the platform and readable in a deep link (``?art=``)."""
    base = f"{organisation.ags}-{slugify(name)[:30] or 'art'}".strip("-")
    slug, n = base, 1
    while PermitKind.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def permit_kind_own_create(*, actor: Any, organisation: Organisation, values: OwnKindValues) -> PermitKind:
    """Add a kind of the commune's own (offered and applicable only there)."""
    _require_commune_admin(actor, organisation)
    fields = _checked(values, organisation, None)
    with transaction.atomic():
        kind = PermitKind.objects.create(
            organisation=organisation,
            slug=_free_slug(organisation, fields["name"]),
            order=1000 + PermitKind.objects.filter(organisation=organisation).count(),
            **fields,
        )
        audit(
            actor=actor,
            action="permit_kind.create",
            obj=kind,
            organisation=organisation,
            summary=f"Eigene Art angelegt: {kind.name}",
            **{k: str(v) for k, v in fields.items()},
        )
    return kind


def permit_kind_own_update(
    *, actor: Any, organisation: Organisation, kind: PermitKind, values: OwnKindValues
) -> PermitKind:
    """Change (or switch off, ``active``) one of the commune's own kinds; its slug and permits stay."""
    _require_commune_admin(actor, organisation)
    if kind.organisation_id != organisation.pk:
        raise ValidationFailed({"kind": ["Diese Art gehört nicht zu Ihrer Gemeinde."]})
    fields = _checked(values, organisation, kind)
    with transaction.atomic():
        locked = PermitKind.objects.select_for_update().get(pk=kind.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        audit(
            actor=actor,
            action="permit_kind.change",
            obj=locked,
            organisation=organisation,
            summary=f"Eigene Art geändert: {locked.name}" + ("" if locked.active else " (abgeschaltet)"),
            **{k: str(v) for k, v in fields.items()},
        )
    return locked
