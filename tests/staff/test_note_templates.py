"""Textbausteine: managed by the organisation's admins, placeholders checked on save, filled in for the
report in the status change on /verwaltung/ and /bauhof/ (without JavaScript) and by name in the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from domains.reports.models import NoteTemplate
from domains.reports.services.note_templates import (
    note_template_render,
    note_template_save,
    placeholder_errors,
)
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from tests.staff_world import World, login, state

pytestmark = pytest.mark.django_db
TEXT = "Meldung {nummer} ({kategorie}, {gemeinde}) wurde am {datum} erledigt."


def make_template(world: World, name: str = "Erledigt", text: str = TEXT) -> NoteTemplate:
    return note_template_save(
        actor=world.users["admin_a"], organisation_id=world.dresden.pk, name=name, text=text
    )


def expected(report) -> str:
    date = timezone.localdate().strftime("%d.%m.%Y")
    return f"Meldung {report.public_id} ({report.category.name}, {report.commune.name}) wurde am {date} erledigt."


def test_rendering_fills_every_placeholder(world: World):
    template = make_template(world)
    assert note_template_render(template, world.own) == expected(world.own)


@pytest.mark.parametrize(
    "text", ["Hallo {name}", "{nummer.__class__}", "{nummer!r}", "{datum:>20}", "{0}", "offen {", "zu }"]
)
def test_unknown_or_unsafe_placeholders_are_refused(world: World, text):
    assert placeholder_errors(text)
    with pytest.raises(ValidationFailed) as exc:
        make_template(world, text=text)
    assert "text" in exc.value.errors
    assert not NoteTemplate.objects.exists()


def test_escaped_braces_are_plain_text(world: World):
    template = make_template(world, text="Im Bereich {{Nord}}: {nummer}")
    assert note_template_render(template, world.own) == f"Im Bereich {{Nord}}: {world.own.public_id}"


def test_only_admins_manage_templates_on_their_page(client, world: World):
    login(client, "caseworker_a")
    response = client.post("/verwaltung/einstellungen/beteiligung/", {"name": "X", "text": "Y"})
    assert response.status_code == 403
    login(client, "admin_a")
    response = client.post(
        "/verwaltung/einstellungen/beteiligung/", {"name": "Erledigt", "text": TEXT}, follow=True
    )
    assert response.status_code == 200
    assert NoteTemplate.objects.get(organisation=world.dresden).text == TEXT
    assert AuditEvent.objects.filter(action="note_template.save").exists()
    response = client.post(
        "/verwaltung/einstellungen/beteiligung/", {"name": "Falsch", "text": "{wer}"}, follow=True
    )
    assert any("Unbekannter Platzhalter {wer}" in str(m) for m in response.context["messages"])
    assert not NoteTemplate.objects.filter(name="Falsch").exists()


def test_admins_set_the_questionnaire_delay_and_moderation(client, world: World):
    login(client, "admin_a")
    client.post(
        "/verwaltung/einstellungen/beteiligung/",
        {"action": "settings", "questionnaire_days": "21", "update_moderation": "post"},
    )
    world.dresden.refresh_from_db()
    assert (world.dresden.questionnaire_days, world.dresden.update_moderation) == (21, "post")
    client.post(
        "/verwaltung/einstellungen/beteiligung/",
        {"action": "settings", "questionnaire_days": "0", "update_moderation": "post"},
    )
    world.dresden.refresh_from_db()
    assert world.dresden.questionnaire_days == 21


def test_status_change_without_javascript_uses_the_selected_template(client, world: World):
    make_template(world)
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    assert 'name="template"' in page and expected(world.own) in page
    client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/status/",
        {"status": "in_progress", "public_note": "", "internal_note": "", "template": "Erledigt"},
    )
    assert world.own.history.last().public_note == expected(world.own)


def test_a_typed_note_wins_over_the_template(client, world: World):
    make_template(world)
    login(client, "caseworker_a")
    client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/status/",
        {"status": "in_progress", "public_note": "Eigener Text", "template": "Erledigt"},
    )
    assert world.own.history.last().public_note == "Eigener Text"


def test_the_crew_uses_a_template_on_bauhof(client, world: World):
    make_template(world)
    login(client, "crew_a")
    assert 'name="template"' in client.get(f"/bauhof/auftraege/{world.own.public_id}/").content.decode()
    client.post(f"/bauhof/auftraege/{world.own.public_id}/", {"status": "resolved", "template": "Erledigt"})
    world.own.refresh_from_db()
    assert world.own.status == "resolved"
    assert world.own.history.last().public_note == expected(world.own)


def test_staff_api_takes_a_template_by_name_and_refuses_unknown_names(client, world: World):
    make_template(world)
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_a']}", "content_type": "application/json"}
    url = f"/api/v1/staff/reports/{world.own.public_id}/"
    before = state(world.own)
    response = client.patch(url, {"status": "in_progress", "template": "Gibt es nicht"}, **auth)
    assert response.status_code == 400
    assert "template" in str(response.json())
    assert state(world.own) == before
    response = client.patch(url, {"status": "in_progress", "template": "Erledigt"}, **auth)
    assert response.status_code == 200
    assert response.json()["history"][-1]["public_note"] == expected(world.own)


def test_another_organisations_template_is_unknown(client, world: World):
    note_template_save(
        actor=world.users["admin_a"], organisation_id=world.dresden.pk, name="Nur Dresden", text="{nummer}"
    )
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_b']}", "content_type": "application/json"}
    response = client.patch(
        f"/api/v1/staff/reports/{world.other.public_id}/",
        {"status": "in_progress", "template": "Nur Dresden"},
        **auth,
    )
    assert response.status_code == 400
