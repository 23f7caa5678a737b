"""Hand-offs on the staff pages and the staff API (issue 30.4): create with German refusals and nothing
saved, the list with overdue marked and filtered, revoke from the list and the report page, another
commune's staff get 404 (the permission matrix has the full role rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.handoffs.models import Handoff
from kernel.notifications.models import OutgoingMail
from tests.staff_world import login, state

pytestmark = pytest.mark.django_db

DUE = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
FORM = {"name": "Stadtwerke Dresden", "email": "netz@stadtwerke.example", "due": DUE, "message": "Leitung"}


def _create(client, report, **values):
    return client.post(
        f"/verwaltung/meldungen/{report.public_id}/uebergeben/", {**FORM, **values}, follow=True
    )


def test_caseworker_hands_off_from_the_report_page(client, world):
    login(client, "caseworker_a")
    page = _create(client, world.own)  # the crew's job: a manager may hand it on
    html = page.content.decode()
    assert "Übergeben an Stadtwerke Dresden: Der Link ist per E-Mail unterwegs." in html
    assert 'aria-label="Link für Stadtwerke Dresden widerrufen"' in html
    assert OutgoingMail.objects.filter(kind="report.handoff", to="netz@stadtwerke.example").count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"email": "kein-mail"}, "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        ({"due": "gestern"}, "Bitte ein Datum angeben (TT.MM.JJJJ)."),
        ({"due": "2001-01-01"}, "Das Datum liegt in der Vergangenheit."),
        ({"name": ""}, "Bitte geben Sie an, an wen die Meldung geht."),
    ],
)
def test_bad_input_is_refused_in_german_and_nothing_saved(client, world, values, message):
    login(client, "caseworker_a")
    before = state(world.own)
    assert message in _create(client, world.own, **values).content.decode()
    assert state(world.own) == before and not Handoff.objects.exists()
    assert not OutgoingMail.objects.filter(kind="report.handoff").exists()


def test_a_closed_report_is_not_handed_off(client, world):
    from domains.reports.services import report_change_status

    report_change_status(actor=world.users["caseworker_a"], public_id=world.own.public_id, status="resolved")
    login(client, "caseworker_a")
    html = _create(client, world.own).content.decode()
    assert "Eine abgeschlossene Meldung kann nicht übergeben werden." in html
    assert not Handoff.objects.exists()


def test_list_marks_and_filters_overdue_and_revokes(client, world):
    login(client, "caseworker_a")
    _create(client, world.own)
    _create(client, world.own_unassigned, name="Tiefbau GmbH")
    Handoff.objects.filter(name="Tiefbau GmbH").update(due=timezone.localdate() - dt.timedelta(days=3))
    html = client.get("/verwaltung/uebergaben/").content.decode()
    assert html.index("Tiefbau GmbH") < html.index("Stadtwerke Dresden")  # overdue first
    assert html.count('<strong class="overdue">überfällig</strong>') == 1
    only = client.get("/verwaltung/uebergaben/?ueberfaellig=1").content.decode()
    assert "Tiefbau GmbH" in only and "Stadtwerke Dresden" not in only
    late = Handoff.objects.get(name="Tiefbau GmbH")
    answer = client.post(
        f"/verwaltung/uebergaben/{late.pk}/widerrufen/", {"next": "/verwaltung/uebergaben/?ueberfaellig=1"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/verwaltung/uebergaben/?ueberfaellig=1"
    late.refresh_from_db()
    assert late.revoked is not None
    assert "<td>Tiefbau GmbH<br>" not in client.get("/verwaltung/uebergaben/").content.decode()
    # A foreign "next" is not followed.
    other = Handoff.objects.get(name="Stadtwerke Dresden")
    away = client.post(f"/verwaltung/uebergaben/{other.pk}/widerrufen/", {"next": "https://example.org/"})
    assert away["Location"] == "/verwaltung/uebergaben/"


def test_other_commune_gets_404_for_revoke_and_sees_nothing(client, world):
    login(client, "caseworker_a")
    _create(client, world.own)
    handoff = Handoff.objects.get()
    client.logout()
    login(client, "caseworker_b")
    assert "Stadtwerke" not in client.get("/verwaltung/uebergaben/").content.decode()
    assert client.post(f"/verwaltung/uebergaben/{handoff.pk}/widerrufen/").status_code == 404
    handoff.refresh_from_db()
    assert handoff.revoked is None


def _api(client, world, user, method, path, data=None):
    call = getattr(client, method)
    return call(
        f"/api/v1/staff/handoffs/{path}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {world.tokens[user]}",
    )


def test_staff_api_create_list_revoke(client, world):
    body = {
        "report": world.own_unassigned.public_id,
        "name": "Tiefbau GmbH",
        "email": "t@tb.example",
        "due": DUE,
    }
    created = _api(client, world, "caseworker_a", "post", "", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["report"] == world.own_unassigned.public_id and data["overdue"] is False
    assert "token" not in created.content.decode() and "/auftrag/" not in created.content.decode()
    listed = _api(client, world, "caseworker_a", "get", "")
    assert [r["name"] for r in listed.json()["results"]] == ["Tiefbau GmbH"]
    assert _api(client, world, "caseworker_a", "get", "?overdue=true").json()["results"] == []
    assert _api(client, world, "caseworker_a", "get", "?overdue=vielleicht").status_code == 400
    assert _api(client, world, "caseworker_b", "get", "").json()["results"] == []
    assert _api(client, world, "caseworker_b", "post", f"{data['id']}/revoke/").status_code == 404
    revoked = _api(client, world, "caseworker_a", "post", f"{data['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked"]


def test_staff_api_refuses_bad_input_in_german(client, world):
    body = {"report": world.own_unassigned.public_id, "name": "X", "email": "kein-mail", "due": DUE}
    answer = _api(client, world, "caseworker_a", "post", "", body)
    assert answer.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in answer.content.decode()
    assert not Handoff.objects.exists()
