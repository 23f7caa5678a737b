"""Issue 30 items 1 (priority) and 7 (bulk work in the queue): services, pages and the staff API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from domains.reports.models import NoteTemplate, Report, StatusChange
from domains.reports.services import report_change_status, report_set_priority
from domains.reports.services.bulk import BULK_MAX, BulkAction, reports_bulk
from domains.reports.staff_selectors import QueueFilter, crew_jobs, staff_queue
from domains.reports.workflow import ReportPriority, ReportStatus
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent, Team
from kernel.organisations.scoping import Forbidden
from tests.factories import DRESDEN, make_report
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

SOFORT, HOCH = ReportPriority.IMMEDIATE, ReportPriority.HIGH


def _dresden_reports(n: int) -> list[Report]:
    return [make_report(lonlat=(DRESDEN[0] + i * 0.001, DRESDEN[1])).report for i in range(n)]


# --- priority ------------------------------------------------------------------------------------


def test_priority_sorts_the_queue_sofort_then_hoch_then_due(world: World):
    a, b, c = _dresden_reports(3)
    report_set_priority(actor=world.users["caseworker_a"], public_id=c.public_id, priority=HOCH)
    report_set_priority(actor=world.users["caseworker_a"], public_id=b.public_id, priority=SOFORT)
    order = [r.public_id for r in staff_queue(world.users["caseworker_a"], QueueFilter())]
    assert order[:2] == [b.public_id, c.public_id]
    # The rest keep the existing default order (due date, then creation).
    rest = list(Report.objects.filter(public_id__in=order[2:]).order_by("due", "created"))
    assert order[2:] == [r.public_id for r in rest]
    # An explicit other sort is what its name says: newest first, priority aside.
    newest = [r.public_id for r in staff_queue(world.users["caseworker_a"], QueueFilter(ordering="-created"))]
    assert newest[0] == c.public_id


def test_priority_change_is_in_history_and_audit_and_once_only(world: World):
    report = world.own_unassigned
    report_set_priority(actor=world.users["caseworker_a"], public_id=report.public_id, priority=SOFORT)
    report_set_priority(actor=world.users["caseworker_a"], public_id=report.public_id, priority=SOFORT)
    report.refresh_from_db()
    assert report.priority == SOFORT
    notes = list(StatusChange.objects.filter(report=report, internal_note__startswith="Priorität"))
    assert [n.internal_note for n in notes] == ["Priorität von „normal“ auf „sofort“ geändert."]
    assert notes[0].public_note == ""  # internal: the public history does not show it
    events = AuditEvent.objects.filter(action="report.priority", object_id=str(report.pk))
    assert [e.summary for e in events] == ["Priorität von „normal“ auf „sofort“ geändert"]


def test_crew_and_other_commune_may_not_set_priority(world: World):
    with pytest.raises(Forbidden):
        report_set_priority(actor=world.users["crew_a"], public_id=world.own.public_id, priority=SOFORT)
    from kernel.core.errors import NotFound

    with pytest.raises(NotFound):
        report_set_priority(actor=world.users["caseworker_b"], public_id=world.own.public_id, priority=SOFORT)
    world.own.refresh_from_db()
    assert world.own.priority == ReportPriority.NORMAL


def test_priority_page_form_and_badges_in_queue_and_on_the_crews_phone(client, world: World):
    login(client, "caseworker_a")
    url = reverse("staff:priority", args=[world.own.public_id])
    assert client.post(url, {"priority": "sofort"}).status_code == 302
    world.own.refresh_from_db()
    assert world.own.priority == SOFORT
    assert client.post(url, {"priority": "dringend!"}).status_code == 302  # a German message, no change
    world.own.refresh_from_db()
    assert world.own.priority == SOFORT
    page = client.get(reverse("staff:report", args=[world.own.public_id])).content.decode()
    assert "Priorität: sofort" in page
    queue = client.get(reverse("staff:queue")).content.decode()
    assert "Priorität: sofort" in queue
    assert queue.index(world.own.public_id) < queue.index(world.own_unassigned.public_id)
    login(client, "crew_a")
    assert "Priorität: sofort" in client.get(reverse("staff:crew")).content.decode()
    job = client.get(reverse("staff:crew-job", args=[world.own.public_id])).content.decode()
    assert "Priorität: sofort" in job


def test_crew_jobs_list_urgent_first(world: World):
    first = world.own
    second = make_report(lonlat=DRESDEN).report
    from domains.reports.services import report_assign

    report_assign(actor=world.users["caseworker_a"], public_id=second.public_id, assignee="crew_a")
    report_set_priority(actor=world.users["caseworker_a"], public_id=second.public_id, priority=HOCH)
    assert [j.public_id for j in crew_jobs(world.users["crew_a"])][:2] == [second.public_id, first.public_id]


def test_priority_in_the_staff_api(client, world: World):
    headers = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_a']}"}
    url = f"/api/v1/staff/reports/{world.own.public_id}/"
    body = json.dumps({"priority": "hoch"})
    response = client.patch(url, body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == "hoch"
    bad = client.patch(url, json.dumps({"priority": "eilig"}), content_type="application/json", **headers)
    assert bad.status_code == 400
    crew = {"HTTP_AUTHORIZATION": f"Token {world.tokens['crew_a']}"}
    refused = client.patch(url, json.dumps({"priority": "sofort"}), content_type="application/json", **crew)
    assert refused.status_code == 403
    world.own.refresh_from_db()
    assert world.own.priority == HOCH


def test_queue_query_uses_the_priority_index(world: World):
    """The default queue reads the partial index in order (no sort of all open reports first)."""
    from django.db import connection

    qs = staff_queue(world.users["caseworker_a"], QueueFilter())[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "report_queue_priority" in plan, plan


# --- bulk ------------------------------------------------------------------------------------------


def test_bulk_status_mixes_legal_and_illegal_moves_each_with_its_result(world: World):
    a, b = _dresden_reports(2)
    report_change_status(actor=world.users["caseworker_a"], public_id=b.public_id, status="rejected")
    before = StatusChange.objects.filter(report=b).count()
    results = reports_bulk(
        actor=world.users["caseworker_a"],
        public_ids=[a.public_id, b.public_id],
        action=BulkAction(action="status", status=ReportStatus.RESOLVED, public_note="Behoben."),
    )
    assert [(r.public_id, r.ok, r.message) for r in results] == [
        (a.public_id, True, f"{a.public_id} → Erledigt"),
        (b.public_id, False, f"{b.public_id}: von Abgelehnt nicht möglich"),
    ]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == ReportStatus.RESOLVED
    assert b.status == ReportStatus.REJECTED  # unchanged, no history row
    assert StatusChange.objects.filter(report=b).count() == before
    # The single-case path: the audit and the public note are those of one change.
    assert AuditEvent.objects.filter(object_id=str(a.pk), action__startswith="report.status").exists()
    assert StatusChange.objects.filter(report=a, to_status="resolved", public_note="Behoben.").exists()


def test_bulk_foreign_and_unknown_ids_are_not_found_and_unchanged(world: World):
    results = reports_bulk(
        actor=world.users["caseworker_a"],
        public_ids=[world.other.public_id, "SN-NOPE-00", world.own_unassigned.public_id],
        action=BulkAction(action="status", status="in_review"),
    )
    assert [(r.ok, r.code) for r in results] == [(False, "not_found"), (False, "not_found"), (True, "ok")]
    assert results[0].message == f"{world.other.public_id}: nicht gefunden"
    world.other.refresh_from_db()
    assert world.other.status == ReportStatus.SUBMITTED


def test_bulk_odd_ids_are_not_found_without_a_query_error(world: World):
    odd = ["sn-\x00", "' OR 1=1 --", "x" * 40, 42]
    results = reports_bulk(
        actor=world.users["caseworker_a"],
        public_ids=odd,
        action=BulkAction(action="status", status="in_review"),
    )
    assert [r.code for r in results] == ["not_found"] * 4


def test_bulk_over_the_cap_is_refused_before_anything_changes(world: World):
    ids = [world.own_unassigned.public_id, *[f"SN-X{i:04d}-00" for i in range(BULK_MAX)]]
    with pytest.raises(ValidationFailed) as exc:
        reports_bulk(
            actor=world.users["caseworker_a"],
            public_ids=ids,
            action=BulkAction(action="status", status="in_review"),
        )
    assert f"Höchstens {BULK_MAX} Meldungen" in exc.value.message
    world.own_unassigned.refresh_from_db()
    assert world.own_unassigned.status == ReportStatus.SUBMITTED


def test_bulk_assign_to_a_person_and_a_team(world: World):
    a, b = _dresden_reports(2)
    team = Team.objects.get(organisation=world.dresden, name="Kolonne Nord")
    results = reports_bulk(
        actor=world.users["caseworker_a"],
        public_ids=[a.public_id, b.public_id, world.other.public_id],
        action=BulkAction(action="assign", assignee="crew_a2", team_id=team.pk),
    )
    assert [r.ok for r in results] == [True, True, False]
    a.refresh_from_db()
    assert (a.assignee.username, a.team_id) == ("crew_a2", team.pk)
    wrong = reports_bulk(
        actor=world.users["caseworker_a"],
        public_ids=[a.public_id],
        action=BulkAction(action="assign", assignee="caseworker_b"),
    )
    assert not wrong[0].ok and "kein Mitglied" in wrong[0].message


def test_bulk_canned_note_fills_the_template_per_report(world: World):
    NoteTemplate.objects.create(
        organisation=world.dresden, name="Material", text="{nummer}: Material bestellt."
    )
    a, b = _dresden_reports(2)
    results = reports_bulk(
        actor=world.users["caseworker_a"],
        public_ids=[a.public_id, b.public_id],
        action=BulkAction(action="note", template="Material"),
    )
    assert all(r.ok for r in results)
    assert StatusChange.objects.get(report=a, public_note__endswith="bestellt.").public_note == (
        f"{a.public_id}: Material bestellt."
    )
    a.refresh_from_db()
    assert a.status == ReportStatus.SUBMITTED


def test_bulk_by_a_crew_member_follows_the_crews_rules(world: World):
    results = reports_bulk(
        actor=world.users["crew_a"],
        public_ids=[world.own.public_id, world.own_unassigned.public_id],
        action=BulkAction(action="status", status="rejected"),
    )
    assert [r.code for r in results] == ["forbidden", "not_found"]


def test_bulk_page_without_javascript_shows_each_result(client, world: World):
    a, b = _dresden_reports(2)
    report_change_status(actor=world.users["caseworker_a"], public_id=b.public_id, status="rejected")
    login(client, "caseworker_a")
    queue = client.get(reverse("staff:queue")).content.decode()
    assert f'name="ids" value="{a.public_id}"' in queue
    response = client.post(
        reverse("staff:queue-bulk"),
        {"ids": [a.public_id, b.public_id, world.other.public_id], "action": "status", "status": "resolved",
         "back": "ordering=-created&page=1"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{a.public_id} → Erledigt" in page
    assert f"{b.public_id}: von Abgelehnt nicht möglich" in page
    assert f"{world.other.public_id}: nicht gefunden" in page
    assert "1 Meldung geändert, 2 nicht geändert" in page
    assert 'href="/verwaltung/?ordering=-created&amp;page=1"' in page
    none = client.post(reverse("staff:queue-bulk"), {"action": "status", "status": "resolved"})
    assert none.status_code == 302
    messages = [str(m) for m in none.wsgi_request._messages]
    assert messages == ["Bitte wählen Sie mindestens eine Meldung aus."]
    # "Zurück" keeps only the queue's own parameters: no way to send the person elsewhere.
    odd = client.post(
        reverse("staff:queue-bulk"), {"action": "status", "back": "next=https://evil.example&status=all"}
    )
    assert odd["Location"] == "/verwaltung/?status=all"


def test_bulk_api_per_case_results_and_cap(client, world: World):
    headers = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_a']}"}
    url = "/api/v1/staff/reports/bulk/"
    body = {
        "ids": [world.own_unassigned.public_id, world.other.public_id],
        "action": "status",
        "status": "in_review",
    }
    response = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["changed"], data["unchanged"]) == (1, 1)
    assert [(r["id"], r["ok"], r["code"]) for r in data["results"]] == [
        (world.own_unassigned.public_id, True, "ok"),
        (world.other.public_id, False, "not_found"),
    ]
    too_many = {**body, "ids": [f"SN-X{i:04d}-00" for i in range(BULK_MAX + 1)]}
    refused = client.post(url, json.dumps(too_many), content_type="application/json", **headers)
    assert refused.status_code == 400
    assert refused.json()["detail"] == f"Höchstens {BULK_MAX} Meldungen auf einmal."
    bad = client.post(
        url, json.dumps({**body, "action": "delete"}), content_type="application/json", **headers
    )
    assert bad.status_code == 400


def test_bulk_counts_are_written_once_and_stay_exact_and_tiles_dropped_once(
    world: World, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from domains.reports.tiles.counts import count_differences

    *legal, refused = _dresden_reports(4)
    report_change_status(actor=world.users["caseworker_a"], public_id=refused.public_id, status="rejected")
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        results = reports_bulk(
            actor=world.users["caseworker_a"],
            public_ids=[r.public_id for r in [*legal, refused]],
            action=BulkAction(action="status", status=ReportStatus.RESOLVED),
        )
    assert [r.ok for r in results] == [True, True, True, False]
    assert count_differences() == 0  # the counts as exact as after three single changes
    upserts = [q for q in queries.captured_queries if "INSERT INTO reports_reportcount" in q["sql"]]
    assert len(upserts) == 1
    tile_drops = [c for c in callbacks if c.__module__ == "domains.reports.tiles.counts"]
    assert len(tile_drops) == 1


def test_a_case_rolled_back_inside_a_bulk_leaves_no_count_and_no_tile_drop(
    world: World, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from domains.reports.models import ReportCount
    from domains.reports.tiles.counts import count_differences, counts_batched, report_moved

    report = world.own_unassigned
    before = sorted(ReportCount.objects.values_list("commune_id", "status", "category_id", "n"))
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic(), counts_batched() as batch:
        with pytest.raises(ValidationFailed), batch.case(), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status="in_review")
            report_moved(report, StatusChange(from_status="submitted", to_status="in_review"))
            raise ValidationFailed({"status": ["abgebrochen"]})
    assert callbacks == []
    assert sorted(ReportCount.objects.values_list("commune_id", "status", "category_id", "n")) == before
    assert count_differences() == 0
