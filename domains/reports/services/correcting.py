"""Staff correct a report: another category, or the point moved to where the defect really is.

Both are corrections of what the reporter sent, not progress on the case, so they write a history row
(the public note says what changed, since the public page shows category and place; the reason is
internal), an audit entry, and keep the tile counts exact — but send the reporter no status mail.

After either change the report is routed again the way :func:`domains.reports.services.creating.report_create`
routes a new one (boundary layer → commune, responsibility areas → organisation). If the responsible
organisation changes, the report is handed over as a forward is: assignee and team cleared, a history row
written while the old organisation is still responsible (its staff name and internal note stay with it),
an audit entry for both organisations, the new organisation's mail through the outbox. The old
organisation's staff lose access with that (scoping is by ``Report.organisation``): 404.

Attributes on a category change: answers to questions the new category does not ask are dropped (and named
in the internal note); answers to questions it asks too are checked again and kept. An answer that no longer
fits (e.g. a choice the new category lacks) is refused with the German message of the create path — nothing
saved — unless staff give a new answer or ask to drop unfitting answers (``drop_unfit``). Required questions
of the new category are not enforced: only the reporter knows the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction

from domains.reports.attributes import clean_attributes, unknown_attribute_codes
from domains.reports.models import Category, Report
from domains.reports.notify import notify_forwarded
from domains.reports.services.categories import commune_category_setting
from domains.reports.services.creating import _due
from domains.reports.services.triage import _locked
from domains.reports.tiles.counts import report_corrected
from kernel.addresses.selectors import nearest
from kernel.boundaries.assignment import OutsideSaxony, assign_point
from kernel.cases.fields import clean_note, clean_text
from kernel.cases.history import record_note
from kernel.core.errors import ValidationFailed, reject_nul
from kernel.geo.coords import parse_lon_lat, to_api, to_storage
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import require_manager
from kernel.organisations.services import route

# What a correction may change (saved by name: ``supporters`` and the rest stay as other writers left them).
CORRECTED_FIELDS = [
    "category", "attributes", "due", "location", "nearest_address", "nearest_address_id", "commune", "district",
    "organisation", "assignee", "team", "updated",
]  # fmt: skip

# A move shorter than this (metres, EPSG:25833) is no move: a map pick one pixel off, a double submit.
MIN_MOVE_M = 0.5


@dataclass(frozen=True)
class Before:
    """What the tile counts and tile caches need to know about the report before the correction."""

    commune_id: int
    category_id: int
    location: Point
    organisation: Organisation

    @classmethod
    def of(cls, report: Report) -> Before:
        return cls(report.commune_id, report.category_id, report.location.clone(), report.organisation)


def _category(value: Any) -> Category:
    slug = clean_text(value)
    if not slug:
        raise ValidationFailed({"category": ["Bitte wählen Sie eine Kategorie."]})
    category = Category.objects.filter(slug=slug, active=True).first()
    if category is None:
        raise ValidationFailed({"category": [f"Unbekannte Kategorie „{slug[:60]}“."]})
    return category


def _carried_attributes(
    report: Report, category: Category, given: dict[str, Any], drop_unfit: bool
) -> tuple[dict[str, Any], list[str]]:
    """The answers kept for ``category`` and the codes dropped. Staff's ``given`` answers win over the
    stored ones; an empty given answer removes it."""
    old = dict(report.attributes or {})
    dropped = unknown_attribute_codes(category, old)
    raw = {code: value for code, value in old.items() if code not in dropped}
    raw.update(given)
    try:
        return clean_attributes(category, raw, required=False), dropped
    except ValidationFailed as exc:
        if not drop_unfit:
            raise
        unfit = {key[len("attributes[") : -1] for key in exc.errors}
        if unfit & set(given):  # a new answer staff typed is wrong: say so, never drop it silently
            raise
        kept = {code: value for code, value in raw.items() if code not in unfit}
        return clean_attributes(category, kept, required=False), sorted({*dropped, *unfit})


def _reroute(report: Report, actor: Any, before: Before, note: str) -> bool:
    """Route ``report`` again (its location, category and commune set); hand it over if the responsible
    organisation changes. Returns whether it did. The caller saves the report afterwards."""
    target = route(location=report.location, category_id=report.category_id, commune_ags=report.commune.ags)
    if target.pk == before.organisation.pk:
        return False
    reason = f"Nach der Korrektur ({note}) ist {target.name} zuständig."
    # Written while the old organisation is still responsible: its name and internal note stay with it.
    record_note(
        report,
        actor,
        public_note=f"Die Meldung wurde an {target.name} übergeben.",
        internal_note=reason,
    )
    report.organisation, report.assignee, report.team = target, None, None
    for org in (before.organisation, target):
        audit(
            actor=actor,
            action="report.handover",
            obj=report,
            organisation=org,
            summary=f"Übergeben von {before.organisation.name} an {target.name}: {reason}",
            source=before.organisation.pk,
            target=target.pk,
        )
    notify_forwarded(report, before.organisation, reason)
    return True


def _finish(
    report: Report, actor: Any, before: Before, *, action: str, summary: str, public: str, note: str
) -> None:
    """History row, audit, re-routing (with its own history, audit and mail), save, counts — in that
    order, in the caller's transaction: the counts last, as in ``report_create``, to hold their row locks
    for the shortest time."""
    record_note(report, actor, public_note=public, internal_note=note)
    audit(actor=actor, action=action, obj=report, organisation=before.organisation, summary=summary)
    _reroute(report, actor, before, summary)
    report.save(update_fields=CORRECTED_FIELDS)
    report_corrected(
        report, commune_id=before.commune_id, category_id=before.category_id, location=before.location
    )


def report_change_category(
    *,
    actor: Any,
    public_id: str,
    category: Any,
    attributes: dict[str, Any] | None = None,
    drop_unfit: bool = False,
    note: str = "",
) -> Report:
    """Give the report another category (slug): attributes checked again (module doc), the due date
    recomputed from the creation time with the new category's deadline in the report's commune, routed
    again. Raises :class:`ValidationFailed` (German, per field) and then changes nothing."""
    reject_nul({"category": category, "note": note, "attributes": attributes})  # PostgreSQL stores no NUL
    note = clean_note(note, "note")
    new = _category(category)
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        if new.pk == report.category_id:
            raise ValidationFailed({"category": [f"Die Meldung hat bereits die Kategorie „{new.name}“."]})
        setting = commune_category_setting(report.commune.ags, new)
        if setting is not None and not setting.enabled:
            raise ValidationFailed(
                {"category": [f"Die Kategorie „{new.name}“ wird von {report.commune.name} nicht angeboten."]}
            )
        cleaned, dropped = _carried_attributes(report, new, dict(attributes or {}), drop_unfit)
        before, old_name = Before.of(report), report.category.name
        report.category, report.attributes = new, cleaned
        report.due = _due(new, report.commune.ags, report.created)
        internal = note
        if dropped:
            internal = f"{note}\n" if note else ""
            internal += "Nicht mehr passende Zusatzangaben entfernt: " + ", ".join(dropped)
        _finish(
            report,
            actor,
            before,
            action="report.category",
            summary=f"Kategorie: {old_name} → {new.name}",
            public=f"Kategorie berichtigt: {old_name} → {new.name}.",
            note=internal,
        )
    return report


def _point(lon: Any, lat: Any) -> Point:
    """The new point (EPSG:25833) from WGS84 ``lon``/``lat``; German errors on ``lon``/``lat``/``location``."""
    reject_nul({"lon": lon, "lat": lat})
    if lon in (None, "") and lat in (None, ""):
        raise ValidationFailed({"location": ["Bitte geben Sie den Ort an (Karte oder Breiten-/Längengrad)."]})
    return parse_lon_lat(lon, lat)  # CoordinateError is a ValidationFailed keyed lon/lat


def report_move(*, actor: Any, public_id: str, lon: Any, lat: Any, note: str = "") -> Report:
    """Move the report's point to WGS84 ``lon``/``lat``: the commune (and district) assigned again by the
    boundary layer, the nearest address looked up again, routed again (module doc: a hand-over if another
    organisation is responsible now), the due date recomputed if the commune changed (its own deadlines).
    A point outside Saxony is refused (400, German) and nothing changes."""
    note = clean_note(note, "note")
    wgs = _point(lon, lat)
    try:
        assignment = assign_point(wgs, field="location")
    except OutsideSaxony as exc:
        raise ValidationFailed({"location": [exc.message]}) from None
    location = to_storage(wgs)
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        if report.location.distance(location) < MIN_MOVE_M:
            raise ValidationFailed({"location": ["Der Ort ist unverändert."]})
        before = Before.of(report)
        old_commune = report.commune
        near = nearest(location)
        report.location = location
        report.nearest_address = near.label if near else ""
        report.nearest_address_id = near.address_key if near else ""
        report.commune, report.district = assignment.commune, assignment.district
        if assignment.commune.pk != old_commune.pk:
            report.due = _due(report.category, assignment.commune.ags, report.created)
        moved = round(before.location.distance(location))
        where = near.label if near else f"{to_api(location).y:.5f}, {to_api(location).x:.5f}"
        summary = f"Ort berichtigt um {moved} m: {where}"
        if assignment.commune.pk != old_commune.pk:
            summary += f" (Gemeinde {old_commune.name} → {assignment.commune.name})"
        _finish(
            report,
            actor,
            before,
            action="report.move",
            summary=summary,
            public=f"Ort berichtigt: {where}.",
            note=note,
        )
    return report
