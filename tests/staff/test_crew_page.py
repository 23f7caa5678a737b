"""The Bauhof job page (issue 26, small items of 6–8): the status's own label on its button, the crew
choosing whether a note is internal (the default) or public, and a short undo after "Erledigt"."""

from __future__ import annotations

import datetime as dt

import pytest

from domains.reports.models import Report
from domains.reports.services.crew import CREW_UNDO_MINUTES
from kernel.organisations.models import AuditEvent
from tests.staff_world import login

pytestmark = pytest.mark.django_db


def job_url(report: Report) -> str:
    return f"/bauhof/auftraege/{report.public_id}/"


def test_the_buttons_carry_the_statuses_own_labels(client, world):
    login(client, "crew_a")
    html = client.get(job_url(world.own)).content.decode()
    assert '<button type="submit" name="status" value="in_progress">In Bearbeitung</button>' in html
    assert "In Arbeit" not in html


def test_a_crew_note_is_internal_unless_the_crew_makes_it_public(client, world):
    login(client, "crew_a")
    html = client.get(job_url(world.own)).content.decode()
    assert 'name="note_visibility" value="internal" checked' in html
    client.post(job_url(world.own), {"status": "in_progress", "note": "Schlüssel beim Hausmeister"})
    row = world.own.history.order_by("-created", "-id").first()
    assert (row.to_status, row.internal_note, row.public_note) == (
        "in_progress",
        "Schlüssel beim Hausmeister",
        "",
    )
    client.post(
        job_url(world.own), {"status": "resolved", "note": "Loch verfüllt", "note_visibility": "public"}
    )
    row = world.own.history.order_by("-created", "-id").first()
    assert (row.to_status, row.internal_note, row.public_note) == ("resolved", "", "Loch verfüllt")


def test_a_crew_note_visibility_must_be_one_of_the_two(client, world):
    login(client, "crew_a")
    before = world.own.history.count()
    client.post(job_url(world.own), {"status": "resolved", "note": "x", "note_visibility": "everyone"})
    assert world.own.history.count() == before


def test_erledigt_can_be_undone_for_a_few_minutes_through_the_service(client, world):
    login(client, "crew_a")
    client.post(job_url(world.own), {"status": "resolved"})
    listing = client.get("/bauhof/").content.decode()
    assert f'action="{job_url(world.own)}rueckgaengig/"' in listing  # the job just finished, with undo
    answer = client.post(f"{job_url(world.own)}rueckgaengig/")
    assert answer.status_code == 302
    world.own.refresh_from_db()
    assert world.own.status == "in_progress"
    row = world.own.history.order_by("-created", "-id").first()
    assert (row.from_status, row.to_status) == ("resolved", "in_progress")
    assert "Rückgängig" in row.internal_note
    assert AuditEvent.objects.filter(action="report.crew_undo", object_id=str(world.own.pk)).exists()
    assert f"{job_url(world.own)}rueckgaengig/" not in client.get("/bauhof/").content.decode()


def test_the_undo_is_refused_after_the_window_and_for_someone_else(client, world):
    login(client, "crew_a")
    client.post(job_url(world.own), {"status": "resolved"})
    row = world.own.history.order_by("-created", "-id").first()
    row.created -= dt.timedelta(minutes=CREW_UNDO_MINUTES, seconds=1)
    row.save()
    answer = client.post(f"{job_url(world.own)}rueckgaengig/", follow=True)
    assert "nicht mehr rückgängig" in answer.content.decode()
    world.own.refresh_from_db()
    assert world.own.status == "resolved"
    row.created += dt.timedelta(minutes=1)
    row.save()
    login(client, "crew_a2")  # another crew of Dresden: not their job
    assert client.post(f"{job_url(world.own)}rueckgaengig/").status_code == 404
    world.own.refresh_from_db()
    assert world.own.status == "resolved"
