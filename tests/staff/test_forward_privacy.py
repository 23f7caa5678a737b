"""Forwarding does not hand over the sender's internal notes or audit trail (issue 15, item 3).

After a forward the receiver sees the public history (states, times, public notes), the forwarding note
and the case data — not internal notes written while another organisation was responsible, not the
names of its staff, and not its audit entries. The sender sees its own again if the case comes back.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from domains.reports.models import StatusChange
from domains.reports.services import report_assign, report_change_status, report_forward, report_update_notes
from kernel.organisations.models import AuditEvent
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

DRESDEN_SECRET = "Nachbar Krause ruft jeden Tag an, bitte vorsichtig"
LEIPZIG_SECRET = "Leipzig intern: Bauhof Ost prüft"
PUBLIC = "Wird geprüft."
REASON = "Zuständig ist Leipzig"


@pytest.fixture
def forwarded(world: World):
    caseworker_a = world.users["caseworker_a"]
    report_change_status(
        actor=caseworker_a,
        public_id=world.own.public_id,
        status="in_review",
        public_note=PUBLIC,
        internal_note=DRESDEN_SECRET,
    )
    report_assign(actor=caseworker_a, public_id=world.own.public_id, assignee="crew_a2")
    report_forward(
        actor=caseworker_a, public_id=world.own.public_id, organisation_id=world.leipzig.pk, reason=REASON
    )
    return world.own


def api_detail(client, world, who, report):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    return client.get(f"/api/v1/staff/reports/{report.public_id}/")


def test_receiver_api_detail_has_the_public_history_but_not_the_senders_notes(client, world, forwarded):
    response = api_detail(client, world, "caseworker_b", forwarded)
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    assert DRESDEN_SECRET not in text
    assert "caseworker_a" not in text  # nor who at the sender wrote what
    assert [h["to_status"] for h in body["history"]] == ["submitted", "in_review"]
    assert PUBLIC in [h["public_note"] for h in body["history"]]
    assert {h["internal_note"] for h in body["history"]} == {""}
    assert body["description"] and body["reporter"]["email"] == "buerger@example.org"  # the case data


def test_receiver_staff_page_shows_the_forwarding_note_but_not_the_senders_trail(client, world, forwarded):
    login(client, "caseworker_b")
    response = client.get(f"/verwaltung/meldungen/{forwarded.public_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert PUBLIC in page and REASON in page
    assert DRESDEN_SECRET not in page
    assert "Zugewiesen an crew_a2" not in page  # Dresden's audit entry
    assert page.count("caseworker_a") == 1  # only as the sender of the forward, not in the history
    shown = {e.action for e in response.context["audit"]}
    assert shown == {"report.forward"}
    # Dresden keeps its trail (world assigns, then status, assign, forward) — it is just not shown here.
    assert AuditEvent.objects.filter(object_id=str(forwarded.pk), organisation=world.dresden).count() == 4


def test_receiver_csv_export_has_no_notes(client, world, forwarded):
    login(client, "caseworker_b")
    response = client.get("/verwaltung/arbeitsliste.csv")
    text = b"".join(response.streaming_content).decode()
    assert forwarded.public_id in text and DRESDEN_SECRET not in text


def test_each_organisation_sees_its_own_notes_when_the_case_comes_back(client, world, forwarded):
    report_update_notes(
        actor=world.users["caseworker_b"], public_id=forwarded.public_id, internal_note=LEIPZIG_SECRET
    )
    leipzig_view = api_detail(client, world, "caseworker_b", forwarded).json()
    assert LEIPZIG_SECRET in [h["internal_note"] for h in leipzig_view["history"]]
    report_forward(
        actor=world.users["caseworker_b"],
        public_id=forwarded.public_id,
        organisation_id=world.dresden.pk,
        reason="Doch Dresden",
    )
    text = api_detail(client, world, "caseworker_a", forwarded).content.decode()
    assert DRESDEN_SECRET in text and LEIPZIG_SECRET not in text
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{forwarded.public_id}/").content.decode()
    assert DRESDEN_SECRET in page and "Zugewiesen an crew_a2" in page
    assert LEIPZIG_SECRET not in page


def test_history_rows_record_the_organisation_responsible_at_the_time(world, forwarded):
    rows = list(StatusChange.objects.filter(report=forwarded).values_list("to_status", "organisation_id"))
    assert rows == [("submitted", world.dresden.pk), ("in_review", world.dresden.pk)]
    report_update_notes(actor=world.users["caseworker_b"], public_id=forwarded.public_id, public_note="Da")
    assert StatusChange.objects.filter(report=forwarded).last().organisation_id == world.leipzig.pk


def test_the_data_migration_attributes_old_rows_to_the_forwards_source(world, forwarded):
    report_update_notes(actor=world.users["caseworker_b"], public_id=forwarded.public_id, public_note="Da")
    StatusChange.objects.filter(report=forwarded).update(organisation=None)
    fill = importlib.import_module("domains.reports.migrations.0007_fill_history_organisation").FILL
    with connection.cursor() as cur:
        cur.execute(fill)
    rows = list(StatusChange.objects.filter(report=forwarded).values_list("organisation_id", flat=True))
    assert rows == [world.dresden.pk, world.dresden.pk, world.leipzig.pk]
