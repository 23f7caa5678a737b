"""Staff work on reports: forwarding, duplicates, moderation, deadlines, audit — through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.models import CommuneCategorySetting, Report
from domains.reports.services import (
    report_change_status,
    report_forward,
    report_mark_duplicate,
    report_moderate,
    report_support,
)
from domains.reports.staff_selectors import overdue_counts, staff_queue
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from kernel.organisations.services import area_create
from shared.http.filters import queue_filter
from tests.factories import DRESDEN, make_report, photo
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

DRESDEN_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[13.73, 51.04], [13.74, 51.04], [13.74, 51.05], [13.73, 51.05], [13.73, 51.04]]],
}
LEIPZIG_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[12.37, 51.33], [12.38, 51.33], [12.38, 51.34], [12.37, 51.34], [12.37, 51.33]]],
}


def audit_actions(report: Report) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="report", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )


def test_forwarded_report_appears_in_the_receiving_queue_only(client, world: World):
    report_forward(
        actor=world.users["caseworker_a"],
        public_id=world.own.public_id,
        organisation_id=world.leipzig.pk,
        reason="Liegt auf Leipziger Flur",
    )
    world.own.refresh_from_db()
    assert world.own.organisation == world.leipzig and world.own.assignee is None
    b_queue = {r.public_id for r in staff_queue(world.users["caseworker_b"], queue_filter({}))}
    a_queue = {r.public_id for r in staff_queue(world.users["caseworker_a"], queue_filter({}))}
    assert world.own.public_id in b_queue and world.own.public_id not in a_queue
    assert "report.forward" in audit_actions(world.own)
    # The sender can no longer see or change it.
    login(client, "caseworker_a")
    assert client.get(f"/verwaltung/meldungen/{world.own.public_id}/").status_code == 404


def test_forward_without_reason_is_refused(world: World):
    with pytest.raises(ValidationFailed) as info:
        report_forward(
            actor=world.users["caseworker_a"],
            public_id=world.own.public_id,
            organisation_id=world.leipzig.pk,
            reason=" ",
        )
    assert "Grund" in info.value.errors["reason"][0]


def test_duplicate_carries_supporters_over(world: World):
    original = world.own_unassigned
    for ip in ("1.1.1.1", "2.2.2.2"):
        report_support(public_id=world.own.public_id, client_identity=f"ip:{ip}")
    report_support(public_id=original.public_id, client_identity="ip:1.1.1.1")  # same client supported both
    report_mark_duplicate(
        actor=world.users["caseworker_a"], public_id=world.own.public_id, original_id=original.public_id
    )
    world.own.refresh_from_db()
    original.refresh_from_db()
    assert world.own.status == "duplicate" and world.own.duplicate_of == original
    # 1 own + 2 supporters of the duplicate + its reporter.
    assert original.supporters == 1 + 2 + 1
    assert original.supports.count() == 2  # the shared client is not counted twice as a row
    assert "report.duplicate" in audit_actions(world.own)
    public = world.own.history.last().public_note
    assert original.public_id in public


def test_duplicate_of_itself_or_of_another_organisation_is_refused(world: World):
    with pytest.raises(ValidationFailed):
        report_mark_duplicate(
            actor=world.users["caseworker_a"], public_id=world.own.public_id, original_id=world.own.public_id
        )
    with pytest.raises(ValidationFailed, match="nicht gefunden"):
        report_mark_duplicate(
            actor=world.users["caseworker_a"],
            public_id=world.own.public_id,
            original_id=world.other.public_id,
        )


def test_moderation_hides_description_and_photos_from_the_public(client, world: World):
    created = make_report(
        lonlat=DRESDEN, description="Beleidigender Text", photos=[photo("a.jpg"), photo("b.jpg")]
    )
    report = created.report
    first = report.photos.order_by("position").first()
    report_moderate(
        actor=world.users["caseworker_a"],
        public_id=report.public_id,
        reason="Beleidigung",
        hide_description=True,
        photo_ids=[first.pk],
    )
    body = client.get(f"/api/v1/reports/{report.public_id}/").json()
    assert "Beleidigender Text" not in str(body)
    assert "ausgeblendet" in body["properties"]["description"]
    assert len(body["properties"]["photos"]) == 1
    assert first.thumbnail.name not in str(body)
    listed = client.get("/api/v1/reports/", {"bbox": "13.7,51.0,13.8,51.1"}).content.decode()
    assert "Beleidigender Text" not in listed and first.thumbnail.name not in listed
    assert "Beleidigender Text" not in client.get(f"/meldungen/{report.public_id}/").content.decode()
    for url in (f"/open311/v2/requests/{report.public_id}", "/open311/v2/requests"):
        for fmt in ("json", "xml"):
            answer = client.get(f"{url}.{fmt}").content.decode()
            assert "Beleidigender Text" not in answer and "ausgeblendet" in answer, (url, fmt)
            assert first.image.name not in answer
    # Staff still see everything, marked as hidden.
    login(client, "caseworker_a")
    staff_page = client.get(f"/verwaltung/meldungen/{report.public_id}/").content.decode()
    assert "Beleidigender Text" in staff_page and "verborgen" in staff_page
    assert "report.moderate" in audit_actions(report)


def test_overdue_reports_are_flagged_and_counted(world: World):
    Report.objects.filter(pk=world.own.pk).update(due=timezone.now() - dt.timedelta(days=1))
    Report.objects.filter(pk=world.own_unassigned.pk).update(due=timezone.now() + dt.timedelta(days=3))
    caseworker = world.users["caseworker_a"]
    overdue = list(staff_queue(caseworker, queue_filter({"overdue": "1"})))
    assert [r.public_id for r in overdue] == [world.own.public_id]
    assert overdue[0].is_overdue
    counts = {c["organisation__name"]: (c["open"], c["overdue"]) for c in overdue_counts(caseworker)}
    assert counts == {"Dresden": (2, 1)}
    # A resolved report is no longer overdue.
    report_change_status(actor=caseworker, public_id=world.own.public_id, status="resolved")
    assert list(staff_queue(caseworker, queue_filter({"overdue": "1"}))) == []


def test_queue_filters_and_sorting(world: World):
    caseworker = world.users["caseworker_a"]
    assert [r.public_id for r in staff_queue(caseworker, queue_filter({"assigned": "no"}))] == [
        world.own_unassigned.public_id
    ]
    assert [r.public_id for r in staff_queue(caseworker, queue_filter({"assigned": "yes"}))] == [
        world.own.public_id
    ]
    assert list(staff_queue(caseworker, queue_filter({"older_than_days": "3"}))) == []
    Report.objects.filter(pk=world.own.pk).update(supporters=5)
    assert (
        staff_queue(caseworker, queue_filter({"ordering": "supporters"}))[0].public_id == world.own.public_id
    )
    with pytest.raises(ValidationFailed):
        queue_filter({"ordering": "drop table"})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("older_than_days", "²", "older_than_days: ganze Zahl von 0 bis 3650 erwartet."),
        ("older_than_days", "9" * 5000, "older_than_days: ganze Zahl von 0 bis 3650 erwartet."),
        ("organisation", "²", "organisation: Nummer der Organisation erwartet."),
        ("organisation", "9" * 5000, "organisation: Nummer der Organisation erwartet."),
    ],
)
def test_queue_and_export_refuse_odd_numbers_with_a_german_message(
    client, world: World, name, value, message
):
    # "²".isdigit() is true but int("²") fails, and int() refuses more than 4,300 digits: both were 500s.
    login(client, "caseworker_a")
    page = client.get("/verwaltung/", {name: value})
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html
    assert world.own.public_id in html  # the queue falls back to the default filter
    export = client.get("/verwaltung/arbeitsliste.csv", {name: value})
    assert export.status_code == 302 and export["Location"] == "/verwaltung/"
    assert message in client.get(export["Location"]).content.decode()


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_settings_pages_ignore_an_odd_organisation_parameter(client, world: World, value):
    login(client, "admin_a")
    for url in (
        "/verwaltung/einstellungen/",
        "/verwaltung/einstellungen/kategorien/",
        "/verwaltung/einstellungen/mitglieder/",
        "/verwaltung/einstellungen/bereiche/",
    ):
        response = client.get(url, {"organisation": value})
        assert response.status_code == 200, url
        assert response.context["org"] == world.dresden  # the admin's own organisation, as without it


@pytest.mark.parametrize("value", ["abc", "²", "1.5", "9" * 5000, "OTHER"])
def test_deactivating_an_unknown_or_foreign_area_is_a_german_message(client, world: World, value):
    # A non-numeric id used to reach the ORM as pk="abc" (ValueError, 500).
    foreign = area_create(
        actor=None,
        organisation=world.leipzig,
        name="Leipzig Mitte",
        geometry=LEIPZIG_SQUARE,
        all_categories=True,
    )
    value = str(foreign.pk) if value == "OTHER" else value
    login(client, "admin_a")
    response = client.post("/verwaltung/einstellungen/bereiche/", {"deactivate": value}, follow=True)
    assert response.status_code == 200
    assert "Unbekannter Bereich." in [str(m) for m in response.context["messages"]]
    foreign.refresh_from_db()
    assert foreign.active


def test_a_recipient_email_longer_than_254_characters_is_refused_not_a_500(client, world: World):
    # Passes the form's EmailField and validate_email (up to 320); the column holds 254 (DataError, 500).
    login(client, "admin_a")
    recipient = "a" * 200 + "@" + "b" * 60 + ".de"
    data = {"category": "schlagloch", "enabled": "on", "recipient_email": recipient, "sla_days": "5"}
    response = client.post("/verwaltung/einstellungen/kategorien/", data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Bitte eine gültige Empfänger-E-Mail-Adresse angeben." in messages
    assert not CommuneCategorySetting.objects.filter(ags="14612000", category__slug="schlagloch").exists()


def test_deactivating_an_own_area_still_works(client, world: World):
    own = area_create(
        actor=None, organisation=world.dresden, name="Altstadt", geometry=DRESDEN_SQUARE, all_categories=True
    )
    login(client, "admin_a")
    response = client.post("/verwaltung/einstellungen/bereiche/", {"deactivate": str(own.pk)}, follow=True)
    assert "Bereich deaktiviert." in [str(m) for m in response.context["messages"]]
    own.refresh_from_db()
    assert not own.active


def test_every_change_is_audited_with_user_and_time(world: World):
    caseworker = world.users["caseworker_a"]
    report_change_status(
        actor=caseworker, public_id=world.own.public_id, status="in_review", internal_note="geprüft"
    )
    events = AuditEvent.objects.filter(object_type="report", object_id=str(world.own.pk)).order_by("created")
    assert [e.action for e in events] == ["report.assign", "report.status"]
    assert events.last().actor == caseworker and events.last().created is not None
    assert AuditEvent.objects.filter(action="membership.set", organisation=world.dresden).count() == 4


def test_staff_history_shows_german_status_labels_not_codes(client, world: World):
    report_change_status(actor=world.users["caseworker_a"], public_id=world.own.public_id, status="in_review")
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    history = page[page.index("<h2>Verlauf</h2>") : page.index("<h2>Protokoll</h2>")]
    assert "Eingegangen → <strong>In Prüfung</strong>" in history
    assert "in_review" not in history and "submitted" not in history


def test_a_double_tap_on_done_saves_once_and_is_no_error(client, world):
    login(client, "crew_a")
    url = f"/bauhof/auftraege/{world.own.public_id}/"
    first = client.post(url, {"status": "resolved"}, follow=True)
    second = client.post(url, {"status": "resolved"}, follow=True)
    for answer in (first, second):
        assert answer.redirect_chain[-1][0].startswith("/bauhof/")
        assert "Gespeichert: Erledigt" in answer.content.decode()
        assert "kann nicht" not in answer.content.decode()
    world.own.refresh_from_db()
    assert world.own.status == "resolved"
    assert list(world.own.history.values_list("to_status", flat=True)) == ["submitted", "resolved"]
