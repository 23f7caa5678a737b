"""The permits' points of the go-live checklist (``kernel.organisations.readiness``), registered in
``PermitsConfig.ready``: the kernel may not import this app. The tariff point reads today's ``Tariff``
rows; the tariff point asks for a published version of the commune's Satzung (:func:`_with_tariff`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from domains.permits.models import FeeSchedule, FeeScheduleState, ParkingZone
from kernel.organisations.models import Organisation
from kernel.organisations.readiness import Check, register_check


def _permits_on(org: Organisation) -> bool:
    return org.permits_enabled


def _fees_on(org: Organisation) -> bool:
    """Permits and parking cards both send notices with fees: both need letterhead and account."""
    return org.permits_enabled or org.parking_enabled


def _parking_on(org: Organisation) -> bool:
    return org.parking_enabled


def _letterhead_and_account(organisations: Sequence[Organisation]) -> set[int]:
    return {
        o.pk
        for o in organisations
        if o.letterhead_name and o.letterhead_address and o.payment_recipient and o.iban
    }


def _with_tariff(organisations: Sequence[Organisation]) -> set[int]:
    """A published version of the Satzung with a tariff, valid today or later (a Satzung may come into
    force next month); a draft does not count, it prices nothing."""
    today = timezone.localdate()
    ags = {o.ags for o in organisations}
    found = set(
        FeeSchedule.objects.filter(ags__in=ags, state=FeeScheduleState.PUBLISHED, tariffs__isnull=False)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .values_list("ags", flat=True)
        .distinct()
    )
    return {o.pk for o in organisations if o.ags in found}


def _with_parking_zones(organisations: Sequence[Organisation]) -> set[int]:
    ags = {o.ags for o in organisations}
    found = set(ParkingZone.objects.filter(ags__in=ags, active=True).values_list("ags", flat=True).distinct())
    return {o.pk for o in organisations if o.ags in found}


def register() -> None:
    register_check(
        Check(
            key="letterhead",
            label="Briefkopf und Bankverbindung",
            missing="Briefkopf (Behörde, Anschrift) oder Bankverbindung (Kontoinhaber, IBAN) der Bescheide "
            "fehlen.",
            done="Briefkopf und Bankverbindung der Bescheide sind eingetragen.",
            url_name="staff:settings",
            test=_letterhead_and_account,
            applies=_fees_on,
            order=50,
        )
    )
    register_check(
        Check(
            key="tariff",
            label="Gebührentarif",
            missing="Es gibt noch keine veröffentlichte, gültige Gebührensatzung für Sondernutzungen.",
            done="Eine gültige Gebührensatzung für Sondernutzungen ist veröffentlicht.",
            url_name="staff:fee-schedules",
            test=_with_tariff,
            applies=_permits_on,
            order=60,
        )
    )
    register_check(
        Check(
            key="parking_zones",
            label="Bewohnerparkgebiete",
            missing="Es sind noch keine Bewohnerparkgebiete veröffentlicht.",
            done="Bewohnerparkgebiete sind veröffentlicht.",
            url_name="staff:parking-zones",
            test=_with_parking_zones,
            applies=_parking_on,
            order=70,
        )
    )
