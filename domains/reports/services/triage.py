"""Staff writes on reports (services): status changes, assignment, forwarding, duplicates, moderation.

Every function takes the acting user, checks what that user may do through ``kernel.organisations.scoping``
(the one place for commune scoping), locks the row before changing it, records the change (status
history and audit log) in the same transaction and queues notifications after commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from domains.reports.models import PhotoKind, Report, ReportPhoto, StatusChange, Support
from domains.reports.notify import notify_forwarded, notify_status_change
from domains.reports.photos import process_photo
from domains.reports.services.inquiries import inquiry_pause_end
from domains.reports.services.locking import locked_report as _locked
from domains.reports.services.note_templates import public_note_from
from domains.reports.services.photos import next_photo_position, store_photo
from domains.reports.services.priority import report_set_priority
from domains.reports.tiles.counts import report_moved
from domains.reports.workflow import REPORT_WORKFLOW, ReportStatus
from kernel.cases.fields import clean_note
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_note, record_status_change
from kernel.core.errors import Conflict, NotFound, ValidationFailed
from kernel.organisations.audit import audit, audit_status_change
from kernel.organisations.models import Membership, Organisation, Role, Team
from kernel.organisations.scoping import Forbidden, get_visible, require_manager, role_in

# What a Bauhof crew may do with a job assigned to it: start it and finish it.
CREW_TARGETS = frozenset({ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED})


def report_change_status(
    *,
    actor: Any,
    public_id: str,
    status: str,
    public_note: str = "",
    internal_note: str = "",
    template: str = "",
) -> StatusChange:
    """Move a report to ``status``; crews may only start or finish jobs assigned to them. ``template``
    names a Textbaustein of the report's organisation used as public note when none was typed."""
    public_note = clean_note(public_note, "public_note")
    internal_note = clean_note(internal_note, "internal_note")
    with transaction.atomic():
        report = _locked(actor, public_id)
        public_note = public_note_from(report, public_note, template)
        return _move(report, actor, status, public_note, internal_note)


def _move(report: Report, actor: Any, status: str, public_note: str, internal_note: str) -> StatusChange:
    """The status change itself, on a report the caller has locked."""
    if role_in(actor, report.organisation_id) == Role.CREW and status not in CREW_TARGETS:
        raise Forbidden("Der Bauhof kann Aufträge nur auf „In Bearbeitung“ oder „Erledigt“ setzen.")
    if status == ReportStatus.INQUIRY and report.status != status:
        raise ValidationFailed(
            {
                "status": [
                    "Eine Rückfrage stellen Sie mit „Rückfrage stellen“ (mit der Frage an die meldende Person)."
                ]
            }
        )
    change = record_status_change(
        report, status, actor, public_note, internal_note, update_fields=_leaving_inquiry(report, status)
    )
    audit_status_change(report, change, actor)
    notify_status_change(report, change)
    report_moved(report, change)
    return change


def _leaving_inquiry(report: Report, status: str) -> tuple[str, ...]:
    """A legal move out of „Rückfrage“ ends its pause (the caller checks legality in the same write)."""
    if report.status == ReportStatus.INQUIRY and REPORT_WORKFLOW.can(report.status, status):
        return inquiry_pause_end(report)
    return ()


def report_update_notes(
    *, actor: Any, public_id: str, public_note: str = "", internal_note: str = "", template: str = ""
) -> StatusChange:
    """A note without a status change (e.g. "Material bestellt"), shown in the history. ``template``
    names a Textbaustein of the report's organisation used as public note when none was typed."""
    public_note = clean_note(public_note, "public_note")
    internal_note = clean_note(internal_note, "internal_note")
    if not public_note and not internal_note and not template:
        raise ValidationFailed({"public_note": ["Bitte eine Notiz eingeben."]})
    with transaction.atomic():
        report = _locked(actor, public_id)
        public_note = public_note_from(report, public_note, template)
        change = record_note(report, actor, public_note, internal_note)
        audit_status_change(report, change, actor)
        notify_status_change(report, change)
    return change


def report_assign(
    *, actor: Any, public_id: str, assignee: str | None = None, team_id: int | None = None
) -> Report:
    """Assign to a member (by username) and/or a team of the report's organisation; empty clears."""
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        user = None
        if assignee:
            membership = (
                Membership.objects.filter(
                    organisation_id=report.organisation_id, user__username=assignee, active=True
                )
                .select_related("user")
                .first()
            )
            if membership is None:
                raise ValidationFailed(
                    {"assignee": [f"„{assignee}“ ist kein Mitglied von {report.organisation.name}."]}
                )
            user = membership.user
        team = None
        if team_id:
            team = Team.objects.filter(pk=team_id, organisation_id=report.organisation_id).first()
            if team is None:
                raise ValidationFailed({"team": ["Diese Kolonne gehört nicht zu Ihrer Organisation."]})
        report.assignee, report.team = user, team
        report.save(update_fields=["assignee", "team", "updated"])
        who = ", ".join(
            x for x in [user.username if user else "", f"Kolonne {team.name}" if team else ""] if x
        )
        audit(
            actor=actor,
            action="report.assign",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Zugewiesen an {who}" if who else "Zuweisung aufgehoben",
        )
    return report


def report_forward(*, actor: Any, public_id: str, organisation_id: int, reason: str) -> Report:
    """Hand a report to another organisation (e.g. the state road authority) with a reason."""
    reason = clean_note(reason, "reason")
    if not reason:
        raise ValidationFailed({"reason": ["Bitte geben Sie einen Grund für die Weiterleitung an."]})
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        target = Organisation.objects.filter(pk=organisation_id, active=True).first()
        if target is None:
            raise ValidationFailed({"organisation": ["Unbekannte Organisation."]})
        if target.pk == report.organisation_id:
            raise ValidationFailed({"organisation": ["Die Meldung liegt bereits bei dieser Organisation."]})
        source = report.organisation
        report.organisation, report.assignee, report.team = target, None, None
        report.save(update_fields=["organisation", "assignee", "team", "updated"])
        for org in (source, target):
            audit(
                actor=actor,
                action="report.forward",
                obj=report,
                organisation=org,
                summary=f"Weitergeleitet von {source.name} an {target.name}: {reason}",
                source=source.pk,
                target=target.pk,
            )
        notify_forwarded(report, source, reason)
    return report


def report_mark_duplicate(*, actor: Any, public_id: str, original_id: str, public_note: str = "") -> Report:
    """Close a report as duplicate of ``original_id``; its supporters (and its reporter) count for the original."""
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        if original_id == public_id:
            raise ValidationFailed({"original": ["Eine Meldung kann nicht Dublette von sich selbst sein."]})
        try:
            original = get_visible(actor, Report.objects.all(), public_id=original_id)
        except NotFound:
            raise ValidationFailed({"original": [f"Meldung {original_id} nicht gefunden."]}) from None
        original = Report.objects.select_for_update().get(pk=original.pk)
        if original.duplicate_of_id:
            raise ValidationFailed({"original": ["Die Zielmeldung ist selbst eine Dublette."]})
        REPORT_WORKFLOW.check(report.status, ReportStatus.DUPLICATE)
        moved = 0
        for support in Support.objects.filter(report=report):
            if not Support.objects.filter(report=original, client_hash=support.client_hash).exists():
                Support.objects.filter(pk=support.pk).update(report=original)
                moved += 1
        # The duplicate's own reporter is one more person affected.
        carried = report.supporters + 1
        Report.objects.filter(pk=original.pk).update(supporters=F("supporters") + carried)
        report.duplicate_of = original
        report.supporters = 0
        report.save(update_fields=["duplicate_of", "supporters", "updated"])
        note = public_note or f"Diese Meldung wird zusammen mit {original.public_id} bearbeitet."
        fields = _leaving_inquiry(report, ReportStatus.DUPLICATE)
        change = record_status_change(report, ReportStatus.DUPLICATE, actor, note, "", update_fields=fields)
        audit_status_change(report, change, actor)
        audit(
            actor=actor,
            action="report.duplicate",
            obj=report,
            organisation=report.organisation_id,
            summary=f"Als Dublette von {original.public_id} markiert ({carried} Unterstützer übertragen)",
            original=original.public_id,
        )
        notify_status_change(report, change)
        report_moved(report, change)
    return report


def report_moderate(
    *,
    actor: Any,
    public_id: str,
    reason: str,
    hide_description: bool | None = None,
    photo_ids: Sequence[int] = (),
    hide_photos: bool = True,
) -> Report:
    """Hide (or show again) the citizen's text and/or photos from the public, with a reason. Nothing is
    deleted. ``hide_description`` covers every free text of the report: the description and the place
    (``Report.public_place``); citizens' later additions are moderated one by one (``update_moderate``)."""
    reason = clean_note(reason, "reason")
    if not reason:
        raise ValidationFailed({"reason": ["Bitte geben Sie einen Grund für die Moderation an."]})
    with transaction.atomic():
        report = _locked(actor, public_id)
        require_manager(actor, report)
        changes = []
        if hide_description is not None and hide_description != report.description_hidden:
            report.description_hidden = hide_description
            report.moderation_reason = reason[:300]
            report.save(update_fields=["description_hidden", "moderation_reason", "updated"])
            changes.append(
                "Beschreibung und Ortsangabe " + ("verborgen" if hide_description else "wieder sichtbar")
            )
        if photo_ids:
            photos = ReportPhoto.objects.filter(report=report, pk__in=photo_ids)
            if photos.count() != len(set(photo_ids)):
                raise ValidationFailed({"photos": ["Unbekanntes Foto."]})
            photos.update(hidden=hide_photos, hidden_reason=reason[:300] if hide_photos else "")
            changes.append(
                f"{len(set(photo_ids))} Foto(s) " + ("verborgen" if hide_photos else "wieder sichtbar")
            )
        if not changes:
            raise ValidationFailed({"reason": ["Es wurde nichts geändert."]})
        audit(
            actor=actor,
            action="report.moderate",
            obj=report,
            organisation=report.organisation_id,
            summary=f"{'; '.join(changes)}. Grund: {reason}",
        )
    return report


def report_crew_update(
    *,
    actor: Any,
    public_id: str,
    status: str,
    note: str = "",
    photo: Any = None,
    template: str = "",
    note_public: bool = False,
) -> Report:
    """One-tap update from the truck: "In Bearbeitung"/"Erledigt", a note, an optional after-photo.

    The note is internal (for the office) unless the crew chooses ``note_public``: a remark written on the
    street ("Schlüssel beim Hausmeister") is rarely meant for the reporter and every follower. A chosen
    Textbaustein is written for the public and becomes the public note when none is typed.

    A second tap on the same button (a double tap, or the form sent again on a bad connection) finds the
    job already in that state: it changes nothing and is no error, so the crew sees "Gespeichert" rather
    than a refusal for work that was saved. A photo sent to a job already in that state is still added.
    """
    processed = (
        process_photo(photo.file, photo.name, size=photo.size, field="photo") if photo is not None else None
    )
    with files_for_transaction() as files, transaction.atomic():
        report = _locked(actor, public_id)
        if report.status == status and processed is None:
            return report
        if report.status != status:
            typed = clean_note(note, "public_note" if note_public else "internal_note")
            # A Textbaustein is public text; the typed note goes where the crew chose.
            public = public_note_from(report, typed if note_public else "", template)
            _move(report, actor, status, public, "" if note_public else typed)
        if processed is not None:
            position = next_photo_position(report, kind=PhotoKind.AFTER)
            if position is None:
                raise Conflict("Zu dieser Meldung gibt es schon zu viele Fotos.", code="too_many_photos")
            store_photo(report, processed, files, kind=PhotoKind.AFTER, position=position)
            audit(
                actor=actor,
                action="report.photo",
                obj=report,
                organisation=report.organisation_id,
                summary="Foto nach Erledigung ergänzt",
            )
    return report


def assignable_members(report: Report) -> list[Any]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            memberships__organisation_id=report.organisation_id, memberships__active=True
        ).order_by("username")
    )


UNSET = object()


def report_staff_patch(
    *,
    actor: Any,
    public_id: str,
    status: str | None = None,
    public_note: str = "",
    internal_note: str = "",
    assignee: Any = UNSET,
    template: str = "",
    priority: int | None = None,
    correction: Mapping[str, Any] | None = None,
) -> Report:
    """The staff API's PATCH: status and/or notes and/or assignee and/or priority, all or nothing in one
    transaction.

    ``correction`` (``category``, ``attributes``, ``drop_unfit``, ``lon``, ``lat``, ``reason``) corrects the
    report last (``domains.reports.services.correcting``), with the same rules and messages as the staff
    pages: last, because a correction may hand the report to another organisation, after which the actor
    can change nothing more."""
    with transaction.atomic():
        visible = get_visible(
            actor, Report.objects.all(), public_id=public_id
        )  # 404 first, also for empty PATCHes
        if assignee is not UNSET:
            report_assign(actor=actor, public_id=public_id, assignee=assignee or None)
        if priority is not None:
            report_set_priority(actor=actor, public_id=public_id, priority=priority)
        if status:
            report_change_status(
                actor=actor,
                public_id=public_id,
                status=status,
                public_note=public_note,
                internal_note=internal_note,
                template=template,
            )
        elif template:
            raise ValidationFailed(
                {"template": ["Ein Textbaustein gehört zu einem Statuswechsel („status“)."]}
            )
        elif public_note or internal_note:
            report_update_notes(
                actor=actor, public_id=public_id, public_note=public_note, internal_note=internal_note
            )
        if correction:
            _correct(actor, public_id, correction)
        return Report.objects.get(pk=visible.pk)


def _correct(actor: Any, public_id: str, correction: Mapping[str, Any]) -> None:
    # Imported here: ``correcting`` builds on this module (``_locked``).
    from domains.reports.services.correcting import report_change_category, report_move

    reason = correction.get("reason", "")
    if correction.get("category") is not None:
        report_change_category(
            actor=actor,
            public_id=public_id,
            category=correction["category"],
            attributes=correction.get("attributes"),
            drop_unfit=bool(correction.get("drop_unfit")),
            note=reason,
        )
    if "lon" in correction or "lat" in correction:
        report_move(
            actor=actor,
            public_id=public_id,
            lon=correction.get("lon"),
            lat=correction.get("lat"),
            note=reason,
        )
