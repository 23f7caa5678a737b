"""The category catalogue: loading the defaults and a commune's own choices per category."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from domains.reports.catalogue import ATTRIBUTES, CATEGORY_NAMES_EN, GROUP_NAMES_EN, GROUPS
from domains.reports.deadlines import DeadlineRule
from domains.reports.models import Category, CategoryAttribute, CategoryGroup, CommuneCategorySetting
from kernel.cases.deadlines import DeadlineUnit
from kernel.core.errors import ValidationFailed
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.models import OrganisationKind
from kernel.organisations.scoping import require_admin


def categories_load_defaults(*, dry_run: bool = False) -> tuple[int, int]:
    """Create or update the default catalogue by slug; returns (created, updated). Never deletes."""
    created = updated = 0
    with transaction.atomic():
        for group_order, (group_slug, group_name, items) in enumerate(GROUPS):
            group, _ = CategoryGroup.objects.update_or_create(
                slug=group_slug,
                defaults={
                    "name": group_name,
                    "name_en": GROUP_NAMES_EN.get(group_slug, ""),
                    "order": group_order,
                },
            )
            for order, item in enumerate(items):
                defaults = {
                    "name": item["name"],
                    "name_en": CATEGORY_NAMES_EN.get(item["slug"], ""),
                    "description": item.get("description", ""),
                    "icon": item.get("icon", ""),
                    "default_sla_days": item.get("sla", 14),
                    "keywords": item.get("keywords", ""),
                    "group": group,
                    "order": order,
                }
                obj = Category.objects.filter(slug=item["slug"]).first()
                if obj is None:
                    Category.objects.create(slug=item["slug"], **defaults)
                    created += 1
                elif any(getattr(obj, k) != v for k, v in defaults.items()):
                    for key, value in defaults.items():
                        setattr(obj, key, value)
                    obj.save()
                    updated += 1
        _load_default_attributes()
        if dry_run:
            transaction.set_rollback(True)
    return created, updated


def _load_default_attributes() -> None:
    """Create or update the catalogue's extra questions by (category, code); never deletes (like above)."""
    for slug, definitions in ATTRIBUTES.items():
        category = Category.objects.get(slug=slug)
        for order, item in enumerate(definitions):
            CategoryAttribute.objects.update_or_create(
                category=category,
                code=item["code"],
                defaults={
                    "datatype": item["datatype"],
                    "required": item.get("required", False),
                    "description": item["description"],
                    "datatype_description": item.get("datatype_description", ""),
                    "order": order,
                    "values": item.get("values", []),
                },
            )


def commune_category_setting(ags: str, category: Category) -> CommuneCategorySetting | None:
    return CommuneCategorySetting.objects.filter(ags=ags, category=category).first()


def category_setting_set(
    *,
    actor: Any,
    organisation: Any,
    category: Category,
    enabled: bool,
    recipient_email: str,
    sla_days: int | None,
    sla_unit: str = DeadlineUnit.CALENDAR,
    review_before_publishing: bool | None = None,
) -> CommuneCategorySetting:
    """A commune's own choice for a category (admin of the commune's organisation). ``sla_unit`` says how
    ``sla_days`` count (working or calendar days); it is kept even without own days, so the page shows
    what was chosen. Reports made before a change keep their due date. ``review_before_publishing``: new
    reports wait for release (True), are published at once (False), or follow the catalogue (None)."""
    require_admin(actor, organisation.pk)
    if organisation.kind != OrganisationKind.COMMUNE:
        raise ValidationFailed({"organisation": ["Kategorien stellen nur Gemeinden ein."]})
    if sla_unit not in DeadlineUnit.values:
        raise ValidationFailed({"sla_unit": ["Bitte Arbeitstage oder Kalendertage wählen."]})
    if recipient_email and not email_is_valid(recipient_email):
        raise ValidationFailed({"recipient_email": ["Bitte eine gültige Empfänger-E-Mail-Adresse angeben."]})
    with transaction.atomic():
        setting, _ = CommuneCategorySetting.objects.update_or_create(
            ags=organisation.ags,
            category=category,
            defaults={
                "enabled": enabled,
                "recipient_email": recipient_email,
                "sla_days": sla_days,
                "sla_unit": sla_unit,
                "review_before_publishing": review_before_publishing,
            },
        )
        audit(
            actor=actor,
            action="category.setting",
            obj=setting,
            organisation=organisation,
            summary=f"{category.name}: {'angeboten' if enabled else 'abgeschaltet'}"
            + (f", an {recipient_email}" if recipient_email else "")
            + (f", Frist {DeadlineRule(sla_days, sla_unit).label}" if sla_days else "")
            + {None: "", True: ", erst nach Prüfung veröffentlichen", False: ", sofort veröffentlichen"}[
                review_before_publishing
            ],
        )
    return setting


def categories_review_confirm(*, actor: Any, organisation: Any) -> None:
    """An admin confirms having reviewed the commune's categories (offered, recipients, deadlines): the
    go-live point "Kategorien geprüft" (``domains.reports.readiness``) is this audit row, so it records
    who confirmed and when."""
    require_admin(actor, organisation.pk)
    if organisation.kind != OrganisationKind.COMMUNE:
        raise ValidationFailed({"organisation": ["Kategorien stellen nur Gemeinden ein."]})
    with transaction.atomic():
        offered = Category.objects.filter(active=True).exclude(
            settings__ags=organisation.ags, settings__enabled=False
        )
        audit(
            actor=actor,
            action=CATEGORIES_REVIEWED,
            obj=organisation,
            organisation=organisation,
            summary=f"Kategorien geprüft ({offered.count()} angeboten)",
        )


CATEGORIES_REVIEWED = "categories.review"
