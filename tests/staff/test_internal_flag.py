"""Staff mark a report "intern" and back (issue 30 item 1): on the report page (no JavaScript), through the
staff API; an internal history entry and an audit event each time, a badge "intern" wherever staff see the
report, refusals with a German message and nothing changed."""

from __future__ import annotations

import pytest

from domains.reports.models import Report, StatusChange
from kernel.organisations.models import AuditEvent
from tests.staff_world import World, login, state

pytestmark = pytest.mark.django_db


def _post(client, report: Report, **data):
    return client.post(f"/verwaltung/meldungen/{report.public_id}/intern/", data, follow=True)


def _internal(report: Report) -> bool:
    report.refresh_from_db()
    return report.internal


def test_caseworker_marks_a_report_internal_and_public_again_with_history_and_audit(client, world: World):
    login(client, "caseworker_a")
    report = world.own
    page = client.get(f"/verwaltung/meldungen/{report.public_id}/").content.decode()
    assert "Als intern markieren" in page and 'class="badge badge--internal"' not in page

    response = _post(client, report, internal="1", reason="Nennt eine Privatperson")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Die Meldung ist jetzt intern" in body
    assert 'class="badge badge--internal"' in body and "Wieder öffentlich machen" in body
    assert _internal(report)
    row = StatusChange.objects.filter(report=report).order_by("-id").first()
    assert row.public_note == "" and "Als intern markiert" in row.internal_note
    assert "Nennt eine Privatperson" in row.internal_note
    event = AuditEvent.objects.get(action="report.internal", object_id=str(report.pk))
    assert event.data == {"internal": True} and event.actor == world.users["caseworker_a"]

    queue = client.get("/verwaltung/").content.decode()
    assert 'class="badge badge--internal"' in queue

    back = _post(client, report, internal="0")
    assert "Die Meldung ist wieder öffentlich." in back.content.decode()
    assert not _internal(report)
    assert AuditEvent.objects.filter(action="report.internal", object_id=str(report.pk)).count() == 2


def test_sending_the_form_twice_changes_nothing_the_second_time(client, world: World):
    login(client, "caseworker_a")
    _post(client, world.own, internal="1")
    before = state(world.own)
    events = AuditEvent.objects.count()
    response = _post(client, world.own, internal="1")
    assert response.status_code == 200
    assert state(world.own) == before and AuditEvent.objects.count() == events
    assert _internal(world.own)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"internal": "vielleicht"}, "Bitte wählen Sie „intern“ oder „wieder öffentlich“."),
        ({}, "Bitte wählen Sie „intern“ oder „wieder öffentlich“."),
        ({"internal": "1", "reason": "x" * 301}, "höchstens 300 Zeichen"),
    ],
)
def test_bad_input_gets_a_german_message_and_changes_nothing(client, world: World, data, message):
    login(client, "caseworker_a")
    before = state(world.own)
    response = _post(client, world.own, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state(world.own) == before and not _internal(world.own)


def test_crew_and_other_commune_cannot_mark_and_nothing_changes(client, world: World):
    before = state(world.own)
    login(client, "crew_a")
    assert (
        client.post(f"/verwaltung/meldungen/{world.own.public_id}/intern/", {"internal": "1"}).status_code
        == 403
    )
    login(client, "caseworker_b")
    assert (
        client.post(f"/verwaltung/meldungen/{world.own.public_id}/intern/", {"internal": "1"}).status_code
        == 404
    )
    assert state(world.own) == before and not _internal(world.own)


def test_crew_sees_the_badge_on_its_job(client, world: World):
    login(client, "caseworker_a")
    _post(client, world.own, internal="1")
    login(client, "crew_a")
    jobs = client.get("/bauhof/").content.decode()
    job = client.get(f"/bauhof/auftraege/{world.own.public_id}/")
    assert 'class="badge badge--internal"' in jobs
    assert 'class="badge badge--internal"' in job.content.decode()


def _api(client, world: World, method: str, report: Report, user: str = "caseworker_a", **data):
    url = f"/api/v1/staff/reports/{report.public_id}/"
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens[user]}"}
    if method == "get":
        return client.get(url, **auth)
    return client.patch(url, data, content_type="application/json", **auth)


def test_staff_api_shows_and_sets_the_flag(client, world: World):
    assert _api(client, world, "get", world.own).json()["internal"] is False
    response = _api(client, world, "patch", world.own, internal=True, internal_reason="Polizei ermittelt")
    assert response.status_code == 200, response.content
    assert response.json()["internal"] is True and _internal(world.own)
    assert "Polizei ermittelt" in response.json()["history"][-1]["internal_note"]
    listed = client.get("/api/v1/staff/reports/", HTTP_AUTHORIZATION=f"Token {world.tokens['caseworker_a']}")
    assert world.own.public_id in listed.content.decode()  # staff still see it in their list
    assert _api(client, world, "patch", world.own, internal=False).json()["internal"] is False


def test_staff_api_refusals_change_nothing(client, world: World):
    before = state(world.own)
    bad = _api(client, world, "patch", world.own, internal="vielleicht")
    assert bad.status_code == 400
    crew = _api(client, world, "patch", world.own, user="crew_a", internal=True)
    assert crew.status_code == 403
    other = _api(client, world, "patch", world.own, user="caseworker_b", internal=True)
    assert other.status_code == 404
    # all or nothing: a status change that is refused takes the flag with it
    illegal = _api(client, world, "patch", world.own, status="submitted", internal=True)
    assert illegal.status_code in (400, 409)
    assert state(world.own) == before and not _internal(world.own)
