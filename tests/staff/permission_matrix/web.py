"""Rows for the staff pages: /verwaltung/, /bauhof/, /kontrolle/ and the CSV export."""

from __future__ import annotations

from typing import Any

from tests.staff.matrix_scene import Scene
from tests.staff.permission_matrix.core import (
    ADMIN_ACTION,
    ADMIN_PAGE,
    ADMINS,
    CREW_PAGE,
    MANAGER_PAGE,
    MANAGERS,
    MEMBER_PAGE,
    PERMIT_ACTION,
    PERMIT_PAGE,
    REPORT_ACTION,
    REPORT_PAGE,
    ROLES,
    UNASSIGNED_REPORT,
    Case,
    _dresden_member,
    _fee_claim,
    _of_dresden,
    _permit,
    _report,
    _report_action,
    _report_id,
    _report_state,
    _retention_values,
    _tokens_of,
    rows,
)


def _photo_of(scene: Scene) -> dict[str, Any]:
    return {"public_id": scene.hidden_photo.report.public_id, "photo_id": scene.hidden_photo.pk}


def _intake(scene: Scene) -> dict[str, Any]:
    """A phone report at the scene's Dresden report: Leipzig's staff are refused it (not their area)."""
    from kernel.geo.coords import to_api

    point = to_api(scene.report.location)
    return {
        "channel": "telefon",
        "lat": f"{point.y:.6f}",
        "lon": f"{point.x:.6f}",
        "category": scene.report.category.slug,
        "description": "Anruf: Schlagloch vor dem Haus",
    }


def _report_count(scene: Scene) -> int:
    from domains.reports.models import Report

    return Report.objects.count()


def _held_report_state(scene: Scene) -> object:
    """Dresden's report, held for review until someone releases it (issue 31.4): held on the first read
    inside the test's savepoint, never again once a release was audited."""
    from domains.reports.models import Report
    from kernel.organisations.models import AuditEvent

    if not AuditEvent.objects.filter(action="report.release").exists():
        Report.objects.filter(pk=scene.report.pk).update(held_for_review=True)
    return _report_state(scene)


def _unassigned(scene: Scene) -> dict[str, Any]:
    return {"public_id": scene.other_report.public_id}


def _membership_of(scene: Scene, username: str) -> dict[str, Any]:
    from kernel.organisations.models import Membership

    found = Membership.objects.filter(organisation=scene.world.dresden, user__username=username)
    return found.values().get()


def _category_slug() -> str:
    from domains.reports.models import Category

    return Category.objects.filter(active=True).order_by("pk").values_list("slug", flat=True).first()


def _category_settings(ags: str) -> list[dict[str, Any]]:
    from domains.reports.models import CommuneCategorySetting

    return list(CommuneCategorySetting.objects.filter(ags=ags).order_by("pk").values())


def _demo_schedule() -> Any:
    from domains.permits.models import FeeSchedule

    return FeeSchedule.objects.get(ags="14612000", title__endswith="Dresden (Demo)")


def _schedule(scene: Scene) -> dict[str, Any]:
    return {"pk": _demo_schedule().pk}


def _schedules_of_dresden(scene: Scene) -> list[dict[str, Any]]:
    from domains.permits.models import FeeSchedule, Tariff

    versions = list(FeeSchedule.objects.filter(ags="14612000").order_by("pk").values())
    return [versions, list(Tariff.objects.filter(schedule__ags="14612000").order_by("pk").values())]


def _handoff(scene: Scene) -> Any:
    """A hand-off of Dresden's unassigned report (made on first use inside the test's savepoint)."""
    import datetime as dt

    from domains.reports.handoffs.models import Handoff
    from domains.reports.handoffs.services import HandoffInput, handoff_create

    found = Handoff.objects.filter(report=scene.other_report).first()
    if found is not None:
        return found
    data = HandoffInput(name="Matrix Tiefbau GmbH", email="m@tiefbau.example", due=dt.date(2099, 1, 1))
    return handoff_create(
        actor=scene.world.users["caseworker_a"], public_id=scene.other_report.public_id, data=data
    )


def _handoff_list(scene: Scene) -> dict[str, Any]:
    _handoff(scene)
    return {}


# A version of Dresden's Satzung: Leipzig's admin gets 404 (its existence does not leak).
SCHEDULE_PAGE = {**ADMIN_PAGE, "other_admin": 404}
SCHEDULE_ACTION = {**ADMIN_ACTION, "other_admin": 404}
NEW_DRAFT = {"title": "Neue Satzung", "satzung_date": "2026-01-01", "valid_from": "2030-01-01"}
TARIFF = {"form": "tariff", "kind": "container", "rate": "9,99", "minimum_fee": "0", "admin_fee": "0"}


def _permit_kinds_of(scene: Scene) -> object:
    """Dresden's kind settings and own kinds: what a refused change on the Antragsarten page leaves."""
    from domains.permits.models import PermitKind, PermitKindSetting

    dresden = scene.world.dresden
    return (
        list(PermitKindSetting.objects.filter(organisation=dresden).order_by("pk").values()),
        list(PermitKind.objects.filter(organisation=dresden).order_by("pk").values()),
    )


def _recipient_tests(ags: str) -> list[dict[str, Any]]:
    from kernel.notifications.models import OutgoingMail

    return list(OutgoingMail.objects.filter(kind="organisation.recipient_test").values("to", "object_id"))


OPERATOR_PAGE = {**dict.fromkeys(ROLES, 403), "anonymous": 302}


def _parking_zones(ags: str) -> list[dict[str, Any]]:
    from domains.permits.models import ParkingZone

    return list(ParkingZone.objects.filter(ags=ags).order_by("pk").values("pk", "code", "active", "valid_to"))


def _saved_filters() -> list[dict[str, Any]]:
    from domains.reports.models import SavedFilter

    return list(SavedFilter.objects.order_by("pk").values())


def _zone_drafts() -> list[int]:
    from domains.permits.models import ParkingZoneDraft

    return list(ParkingZoneDraft.objects.values_list("pk", flat=True))


WEB = [
    Case(
        "staff:queue",
        {**MEMBER_PAGE, "crew": 302, "enforcement": 302},  # on to their start: /bauhof/, /kontrolle/
        shows=_report_id,
        sees=MANAGERS,
    ),
    Case("staff:queue-export", MANAGER_PAGE, shows=_report_id, sees=MANAGERS),
    Case("staff:report", REPORT_PAGE, kwargs=_report),
    Case("staff:report", UNASSIGNED_REPORT, variant="unassigned", kwargs=_unassigned),
    Case("staff:report-new", MANAGER_PAGE),
    Case(
        "staff:report-new",
        {**REPORT_ACTION, "other": 400, "other_admin": 400},  # a Dresden point: not Leipzig's area
        "post",
        data=_intake,
        state=_report_count,
        writes=MANAGERS,
    ),
    _report_action("status", lambda s: {"status": "in_review", "public_note": "Wird geprüft"}),
    _report_action("assign", lambda s: {"assignee": "crew_a2", "team": ""}),
    _report_action("inquiry", lambda s: {"question": "Welche Hausnummer?", "visibility": "internal"}),
    _report_action("forward", lambda s: {"organisation": s.world.leipzig.pk, "reason": "Zuständig: Leipzig"}),
    _report_action("duplicate", lambda s: {"original": s.other_report.public_id}),
    _report_action("moderate", lambda s: {"hide_description": "hide", "reason": "Beleidigung"}),
    _report_action("priority", lambda s: {"priority": "sofort"}),
    # Bulk work (issue 30.7): a manager page; another commune's caseworker gets 200 with "nicht gefunden"
    # for Dresden's report, and it stays unchanged.
    Case(
        "staff:queue-bulk",
        {**MANAGER_PAGE},
        "post",
        data=lambda s: {"ids": [s.report.public_id], "action": "status", "status": "in_review"},
        state=_report_state,
        writes=MANAGERS,
    ),
    Case(
        "staff:saved-filters",
        {**MANAGER_PAGE, "owner": 302, "admin": 302, "other": 302, "other_admin": 302},
        "post",
        data=lambda s: {"name": "Schlaglöcher", "query": "category=schlagloch"},
        state=lambda s: _saved_filters(),
        writes=frozenset({"owner", "admin", "other", "other_admin"}),  # each their own filter
    ),
    _report_action("internal", lambda s: {"internal": "1", "reason": "Betrifft eine Privatperson"}),
    # Photo redaction (issue 31.5): a manager's page and form on one photo of a Dresden report.
    Case("staff:photo-redact", {**REPORT_PAGE, "crew": 403}, kwargs=lambda s: _photo_of(s)),
    Case(
        "staff:photo-redact",
        REPORT_ACTION,
        "post",
        kwargs=lambda s: _photo_of(s),
        data=lambda s: {"box-0-x": "10", "box-0-y": "10", "box-0-w": "50", "box-0-h": "40"},
        state=lambda s: type(s.hidden_photo).objects.filter(pk=s.hidden_photo.pk).values().first(),
        writes=MANAGERS,
    ),
    Case("staff:release", REPORT_ACTION, "post", kwargs=_report, state=_held_report_state, writes=MANAGERS),
    _report_action("correct-category", lambda s: {"category": "gehweg", "reason": "Gehweg, kein Schlagloch"}),
    _report_action("move", lambda s: {"lat": "51.0521", "lon": "13.7411", "reason": "Pin lag daneben"}),
    Case("staff:moderation", MANAGER_PAGE, shows=_report_id, sees=MANAGERS),
    Case(
        "staff:handoff-create",
        REPORT_ACTION,
        "post",
        kwargs=_report,
        data=lambda s: {"name": "Tiefbau GmbH", "email": "t@tiefbau.example", "due": "2099-01-01"},
        state=_report_state,
        writes=MANAGERS,
    ),
    Case(
        "staff:handoffs", MANAGER_PAGE, kwargs=_handoff_list, shows=lambda s: "Matrix Tiefbau", sees=MANAGERS
    ),
    Case(
        "staff:handoff-revoke",
        {**REPORT_ACTION, "enforcement": 403},
        "post",
        kwargs=lambda s: {"pk": _handoff(s).pk},
        state=rows(_handoff),
        writes=MANAGERS,
    ),
    Case(
        "staff:notice-decide",
        REPORT_ACTION,
        "post",
        kwargs=lambda s: {"notice_id": s.notice.pk},
        data=lambda s: {"decision": "rejected", "note": "Kein Verstoß"},
        state=rows(lambda s: s.notice),
        writes=MANAGERS,
    ),
    Case(
        "staff:update-decide",
        REPORT_ACTION,
        "post",
        kwargs=lambda s: {"update_id": s.update.pk},
        data=lambda s: {"action": "hide", "reason": "Beleidigung"},
        state=rows(lambda s: s.update),
        writes=MANAGERS,
    ),
    Case("staff:participation", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:participation",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(
            lambda s: {"action": "settings", "questionnaire_days": "21", "update_moderation": "pre"}
        ),
        state=rows(lambda s: s.world.dresden),
        writes=ADMINS,
    ),
    Case("staff:second-factor", MEMBER_PAGE),
    # Without a confirmed device everybody is sent to set one up first; the scene's admins have one.
    Case(
        "staff:recovery-codes",
        {**MEMBER_PAGE, "outsider": 403, "owner": 302, "other": 302, "crew": 302, "enforcement": 302},
    ),  # fmt: skip
    Case("staff:settings", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case("staff:category-settings", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:category-settings",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"category": _category_slug(), "sla_days": "3", "enabled": ""}),
        state=lambda s: _category_settings("14612000"),
        writes=ADMINS,
    ),
    Case("staff:permit-kinds", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:permit-kinds",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"form": "setting", "kind": "container", "standard_conditions": "Eigene"}),
        state=_permit_kinds_of,
        writes=ADMINS,
    ),
    Case(
        "staff:permit-kinds",
        ADMIN_ACTION,
        "post",
        variant="new",
        data=_of_dresden(lambda s: {"form": "new", "name": "Weihnachtsmarkt", "unit": "m2_day"}),
        state=_permit_kinds_of,
        writes=ADMINS,
    ),
    Case("staff:members", ADMIN_PAGE, data=_of_dresden(), shows=_dresden_member, sees=ADMINS),
    Case(
        "staff:members",
        ADMIN_ACTION,
        "post",
        variant="end",
        data=_of_dresden(lambda s: {"end": _membership_of(s, "caseworker_a")["id"]}),
        state=lambda s: _membership_of(s, "caseworker_a"),
        writes=ADMINS,
    ),
    Case(
        "staff:members",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"username": "caseworker_b", "role": "caseworker"}),
        state=lambda s: sorted(s.world.dresden.invitations.values_list("username", "answered")),
        writes=ADMINS,
    ),
    Case(
        "staff:members",
        ADMIN_ACTION,
        "post",
        variant="invite",
        data=_of_dresden(lambda s: {"form": "invite", "email": "neu@example.org", "role": "admin"}),
        state=lambda s: sorted(s.world.dresden.invitations.values_list("email", "answered")),
        writes=ADMINS,
    ),
    Case(
        "staff:members",
        ADMIN_ACTION,
        "post",
        variant="revoke",
        data=_of_dresden(lambda s: {"form": "invite", "revoke": s.invitation.pk}),
        state=rows(lambda s: s.invitation),
        writes=ADMINS,
    ),
    Case("staff:areas", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Bereich Altstadt", sees=ADMINS),
    Case(
        "staff:areas",
        ADMIN_ACTION,
        "post",
        variant="deactivate",
        data=_of_dresden(lambda s: {"deactivate": s.area.pk}),
        state=rows(lambda s: s.area),
        writes=ADMINS,
    ),
    Case("staff:retention", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:retention",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: _retention_values()),
        state=rows(lambda s: s.world.dresden),
        writes=ADMINS,
    ),
    Case("staff:escalation", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:escalation",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(
            lambda s: {
                "escalation_enabled": "on",
                "escalation_unaccepted_days": "5",
                "escalation_admin_days": "7",
            }
        ),
        state=rows(lambda s: s.world.dresden),
        writes=ADMINS,
    ),
    Case("staff:privacy-requests", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:privacy-requests",
        ADMIN_ACTION,
        "post",
        variant="erase",
        data=_of_dresden(lambda s: {"email": "buerger@example.org", "action": "erase", "confirm": "yes"}),
        state=_report_state,
        writes=ADMINS,
    ),
    Case(
        "staff:privacy-requests",
        ADMIN_PAGE,
        "post",
        variant="export",
        data=_of_dresden(lambda s: {"email": "buerger@example.org", "action": "export"}),
        shows=_report_id,  # Leipzig's admin gets Leipzig's (empty) answer for the same address
        sees=ADMINS,
    ),
    Case(
        "staff:parking-zones",
        ADMIN_PAGE,
        data=_of_dresden(),
        shows=lambda s: "Neustadt im Entwurf",
        sees=ADMINS,
    ),
    Case(
        "staff:parking-zones",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"form": "publish"}),
        state=lambda s: (_parking_zones("14612000"), _zone_drafts()),
        writes=ADMINS,
    ),
    Case("staff:api-tokens", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: ">crew_a<", sees=ADMINS),
    Case(
        "staff:api-tokens",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"revoke": _tokens_of("crew_a")[0]["id"]}),
        state=lambda s: _tokens_of("crew_a"),
        writes=ADMINS,
    ),
    Case("staff:readiness", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:readiness",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"action": "send_test"}),
        state=lambda s: _recipient_tests("14612000"),
        writes=ADMINS,
    ),
    # The platform operator's pages: superusers only (none among the roles), tests/organisations/.
    Case("staff:operator", OPERATOR_PAGE),
    Case("staff:operator-export", OPERATOR_PAGE),
    Case(
        "staff:invitations",
        {**MEMBER_PAGE, "outsider": 200},  # no membership needed: it may be the first one
        shows=lambda s: "Dresden",
        sees=frozenset({"outsider"}),
    ),
    Case(
        "staff:invitations",
        {**dict.fromkeys(ROLES, 302)},
        "post",
        data=lambda s: {"accept": s.invitation.pk},
        state=rows(lambda s: s.invitation),
        writes=frozenset({"outsider"}),  # only the invited person; the others get "no longer valid"
    ),
    Case("staff:permits", MANAGER_PAGE, shows=lambda s: s.permit.public_id, sees=MANAGERS),
    Case("staff:permit", PERMIT_PAGE, kwargs=_permit),
    Case(
        "staff:permit-decide",
        PERMIT_ACTION,
        "post",
        kwargs=_permit,
        data=lambda s: {"status": "rejected", "public_note": "Abgelehnt", "confirm": "yes"},
        state=rows(lambda s: s.permit),
        writes=MANAGERS,
    ),
    Case("staff:parking", MANAGER_PAGE, shows=lambda s: s.parking.public_id, sees=MANAGERS),
    Case(
        "staff:payment-record",
        PERMIT_ACTION,
        "post",
        kwargs=lambda s: {"public_id": s.approved.public_id},
        state=_fee_claim,
        writes=MANAGERS,
    ),
    Case("staff:crew", CREW_PAGE, shows=_report_id, sees=frozenset({"crew"})),
    Case("staff:crew-job", CREW_PAGE, kwargs=_report),
    Case(
        "staff:crew-job",
        {**CREW_PAGE, "crew": 404},
        "post",
        variant="unassigned",
        kwargs=_unassigned,
        data=lambda s: {"status": "in_progress"},
        state=lambda s: _report_state(s, s.other_report),
    ),
    Case(
        "staff:crew-job",
        {**CREW_PAGE, "crew": 302},
        "post",
        kwargs=_report,
        data=lambda s: {"status": "in_progress"},
        state=_report_state,
        writes=frozenset({"crew"}),
    ),
    Case(
        "staff:crew-job-undo",
        {**CREW_PAGE, "crew": 302},  # back to /bauhof/ with "nicht mehr rückgängig": nothing to undo
        "post",
        kwargs=_report,
        state=_report_state,
    ),
    Case(
        "staff:kontrolle",
        {**ADMIN_PAGE, "enforcement": 200},
        data=_of_dresden(),
        shows=lambda s: "Dresden",
        sees=frozenset({"admin", "enforcement"}),
    ),
    Case(
        "staff:kontrolle",
        {**ADMIN_PAGE, "enforcement": 200},  # the verdict: not a card
        "post",
        data=lambda s: {"code": "kein Ausweis", "plate": "DD-XY 42", "org": s.world.dresden.pk},
    ),
    Case(
        "staff:fee-schedules", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden (Demo)", sees=ADMINS
    ),
    Case(
        "staff:fee-schedules",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: NEW_DRAFT),
        state=_schedules_of_dresden,
        writes=ADMINS,
    ),
    Case("staff:fee-schedule", SCHEDULE_PAGE, kwargs=_schedule, data=_of_dresden()),
    Case(
        "staff:fee-schedule",
        SCHEDULE_ACTION,
        "post",
        kwargs=_schedule,
        data=_of_dresden(lambda s: TARIFF),
        state=_schedules_of_dresden,  # a published version: refused for everybody, nothing changes
    ),
    Case(
        "staff:fee-schedule-preview",
        SCHEDULE_PAGE,
        kwargs=_schedule,
        data=_of_dresden(lambda s: {"kind": "container", "area_m2": "10", "days": "2"}),
    ),
    Case(
        "staff:fee-schedule-publish",
        SCHEDULE_ACTION,
        "post",
        kwargs=_schedule,
        data=_of_dresden(lambda s: {"confirm": "yes"}),
        state=_schedules_of_dresden,  # already published: refused, nothing changes
    ),
]
