"""Dated notices on the report form and in the API's service lists (issue 31.1): statewide or per
commune, in force from start to end date, gone after; posted by operators and commune admins, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.danger import reporting_notices
from domains.reports.models import ReportingNotice
from domains.reports.services.notices import reporting_notice_save
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import Forbidden
from tests.staff_world import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def post(actor, organisation, text: str, starts: dt.date, ends: dt.date) -> ReportingNotice:
    notice = ReportingNotice(text=text, starts=starts, ends=ends, link="https://www.sachsen.de/winter")
    return reporting_notice_save(actor=actor, notice=notice, organisation=organisation)


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("betrieb", "betrieb@example.org", "x")


def test_notices_are_dated_and_scoped(world: World, operator):
    post(operator, None, "Winterdienst: Glätte bitte an 0351 1", TODAY - DAY, TODAY)
    post(operator, None, "Vorbei", TODAY - 3 * DAY, TODAY - DAY)
    post(operator, None, "Künftig", TODAY + DAY, TODAY + 3 * DAY)
    post(world.users["admin_a"], world.dresden, "Dresden: Elbhochwasser", TODAY, TODAY)
    assert [n.text for n in reporting_notices()] == ["Winterdienst: Glätte bitte an 0351 1"]
    assert [n.text for n in reporting_notices("14612000")] == [
        "Winterdienst: Glätte bitte an 0351 1",
        "Dresden: Elbhochwasser",
    ]
    assert [n.text for n in reporting_notices("14713000")] == ["Winterdienst: Glätte bitte an 0351 1"]
    assert [n.text for n in reporting_notices(on=TODAY + 2 * DAY)] == ["Künftig"]
    assert AuditEvent.objects.filter(action="reports.notice").count() == 4


def test_only_operators_post_statewide_and_admins_only_their_commune(world: World):
    with pytest.raises(Forbidden):
        post(world.users["admin_a"], None, "Landesweit", TODAY, TODAY)
    with pytest.raises(Forbidden):
        post(world.users["caseworker_a"], world.dresden, "Sachbearbeitung", TODAY, TODAY)
    with pytest.raises(Forbidden):
        post(world.users["admin_a"], world.leipzig, "Fremde Gemeinde", TODAY, TODAY)
    with pytest.raises(ValidationFailed) as failed:
        post(world.users["admin_a"], world.dresden, "Rückwärts", TODAY, TODAY - DAY)
    assert failed.value.errors["ends"] == ["Das Ende darf nicht vor dem Beginn liegen."]
    assert ReportingNotice.objects.count() == 0


def test_notices_on_the_form_and_in_rest_and_open311(client, world: World, operator):
    post(operator, None, "Winterdienst: Glätte bitte an 0351 1", TODAY, TODAY + DAY)
    post(world.users["admin_a"], world.dresden, "Dresden: Elbhochwasser", TODAY, TODAY)
    html = client.get("/").content.decode()
    assert "Winterdienst: Glätte bitte an 0351 1" in html and "Elbhochwasser" not in html
    assert "Dresden: Elbhochwasser" in client.get("/?gemeinde=14612000").content.decode()
    rest = client.get("/api/v1/categories/?commune=14612000").json()
    assert [n["text"] for n in rest[0]["notices"]] == [
        "Winterdienst: Glätte bitte an 0351 1",
        "Dresden: Elbhochwasser",
    ]
    services = client.get("/open311/v2/services.json").json()
    assert all("Winterdienst: Glätte" in s["description"] for s in services)
    assert not any("Elbhochwasser" in s["description"] for s in services)
