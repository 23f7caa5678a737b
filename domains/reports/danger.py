"""Emergencies are diverted (issue 31.1): the notice a danger category shows, and the refusal of a
blocking one. One text for the web form (with and without JavaScript), the REST API and Open311, so a
citizen hears the same "Gefahr? Polizei 110 / Feuerwehr 112" whichever way they report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from domains.reports.models import Category, DangerMode, ReportingNotice
from kernel.organisations.models import Organisation, OrganisationKind

EMERGENCY_NUMBERS = "Gefahr? Polizei 110 / Feuerwehr 112"


@dataclass(frozen=True)
class DangerNotice:
    """What the citizen is told for a danger category; ``blocks`` means the report is not accepted."""

    mode: str  # DangerMode.WARN or DangerMode.BLOCK
    text: str

    @property
    def blocks(self) -> bool:
        return self.mode == DangerMode.BLOCK


def commune_emergency_phone(ags: str | None) -> tuple[str, str] | None:
    """(commune name, on-call number) of the commune's own organisation, or None if it set none."""
    if not ags:
        return None
    row = (
        Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags=ags, active=True)
        .exclude(contact_emergency_phone="")
        .values_list("name", "contact_emergency_phone")
        .first()
    )
    return (row[0], row[1]) if row else None


def danger_notice(category: Category, ags: str | None = None) -> DangerNotice | None:
    """The notice for ``category`` at the commune ``ags`` (None: not known yet), or None if no danger."""
    if category.danger_mode not in (DangerMode.WARN, DangerMode.BLOCK):
        return None
    text = EMERGENCY_NUMBERS
    own = commune_emergency_phone(ags)
    if own is not None:
        text += f" / Bereitschaftsdienst {own[0]}: {own[1]}"
    text += "."
    if category.danger_mode == DangerMode.BLOCK:
        text += (
            f" „{category.name}“ kann hier nicht gemeldet werden: Bitte rufen Sie an, "
            "damit sofort jemand kommt."
        )
    else:
        text += " Ihre Meldung wird gesendet, aber nicht sofort gelesen – bei Gefahr bitte zuerst anrufen."
    return DangerNotice(mode=category.danger_mode, text=text)


def danger_notices(ags: str | None = None) -> dict[str, DangerNotice]:
    """The notices of all active danger categories by slug: what the form's script shows on choosing one."""
    categories = Category.objects.filter(active=True).exclude(danger_mode=DangerMode.NONE)
    notices = {c.slug: danger_notice(c, ags) for c in categories}
    return {slug: notice for slug, notice in notices.items() if notice is not None}


def reporting_notices(ags: str | None = None, *, on: dt.date | None = None) -> list[ReportingNotice]:
    """The notices in force on ``on`` (today in Berlin): statewide ones, plus the commune's when known."""
    day = on or timezone.localdate()
    scope = Q(organisation__isnull=True)
    if ags:
        scope |= Q(organisation__kind=OrganisationKind.COMMUNE, organisation__ags=ags)
    return list(
        ReportingNotice.objects.filter(scope, starts__lte=day, ends__gte=day).order_by("starts", "id")
    )


def notices_text(notices: list[ReportingNotice]) -> str:
    """The notices as one line, for Open311 service descriptions (the spec has no other place for them)."""
    return " ".join(f"{n.text} ({n.link})" if n.link else n.text for n in notices)
