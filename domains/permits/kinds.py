"""Which kinds of special use a commune offers, and which standard conditions (Regelauflagen) it imposes.

The one place that decides it, for the application form, the API's kind list, the check at submission
and the copy taken into an approval (``services.decisions``). The platform's kinds are offered in every
commune unless its organisation switched one off (``PermitKindSetting.enabled``); a commune's own kinds
(``PermitKind.organisation``) are offered only there. A commune's own text for a platform kind replaces
the platform's; an empty one means the platform's text applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from domains.permits.models import PermitKind, PermitKindSetting
from kernel.organisations.models import Organisation, OrganisationKind


def commune_organisation_of(place: str | Organisation | None) -> Organisation | None:
    """The commune's organisation for an AGS (or the organisation itself); None when unknown."""
    if place is None or isinstance(place, Organisation):
        return place
    return Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags=place).first()


def _applicable() -> Q:
    return Q(active=True, is_parking=False)


def kinds_available_in(place: str | Organisation | None) -> list[PermitKind]:
    """The kinds an applicant may choose in the commune ``place`` (AGS or organisation): the platform's
    kinds it has not switched off, then its own active kinds. Without a commune (``None`` or an unknown
    AGS): the platform's kinds only — no commune's own kind is offered where the commune is not known."""
    organisation = commune_organisation_of(place)
    kinds = PermitKind.objects.filter(_applicable())
    if organisation is None:
        return list(kinds.filter(organisation__isnull=True))
    switched_off = PermitKindSetting.objects.filter(organisation=organisation, enabled=False).values(
        "kind_id"
    )
    return list(
        kinds.filter(Q(organisation__isnull=True) | Q(organisation=organisation))
        .exclude(pk__in=switched_off)
        .order_by(F("organisation").asc(nulls_first=True), "order", "name")
    )


def kind_available_in(kind: PermitKind, organisation: Organisation) -> bool:
    """May ``kind`` be applied for in ``organisation``'s commune? (The submission check, one query.)"""
    if not kind.active or kind.is_parking:
        return False
    if kind.organisation_id is not None:
        return kind.organisation_id == organisation.pk
    return not PermitKindSetting.objects.filter(organisation=organisation, kind=kind, enabled=False).exists()


def standard_conditions_for(kind: PermitKind, organisation: Organisation | None) -> str:
    """The standard conditions an approval of ``kind`` in ``organisation``'s commune imposes: its own
    text for a platform kind when it has one (not blank), else the kind's (platform's or own kind's)."""
    if organisation is not None and kind.organisation_id is None:
        own = (
            PermitKindSetting.objects.filter(organisation=organisation, kind=kind)
            .values_list("standard_conditions", flat=True)
            .first()
        )
        if own and own.strip():
            return own
    return kind.standard_conditions


@dataclass(frozen=True)
class KindRow:
    """One platform kind on a commune's settings page: its setting (None: never changed)."""

    kind: PermitKind
    setting: PermitKindSetting | None

    @property
    def enabled(self) -> bool:
        return self.setting is None or self.setting.enabled

    @property
    def own_conditions(self) -> str:
        return self.setting.standard_conditions if self.setting is not None else ""


def kind_settings_of(organisation: Organisation) -> list[KindRow]:
    """Every platform kind with the organisation's setting, in the platform's order (the staff page)."""
    settings = {s.kind_id: s for s in PermitKindSetting.objects.filter(organisation=organisation)}
    platform = PermitKind.objects.filter(_applicable(), organisation__isnull=True).order_by("order", "name")
    return [KindRow(kind, settings.get(kind.pk)) for kind in platform]


def own_kinds_of(organisation: Organisation) -> list[PermitKind]:
    """The organisation's own kinds, switched off ones included (the staff page edits them)."""
    return list(PermitKind.objects.filter(organisation=organisation).order_by("-active", "order", "name"))


def own_kind_in(organisation: Organisation, kind_id: int) -> PermitKind | None:
    return PermitKind.objects.filter(organisation=organisation, pk=kind_id).first()


def platform_kind_by_slug(slug: str) -> PermitKind | None:
    return PermitKind.objects.filter(_applicable(), organisation__isnull=True, slug=slug).first()


def kind_with_slug(slug: str) -> PermitKind | None:
    """Any applicable kind of that slug, whichever commune offers it (to say why a link's kind is missing)."""
    return PermitKind.objects.filter(_applicable(), slug=slug[:50]).first()
