"""The daily escalation digest (issue 30.6): content, exactly once per day, the second level to the admins,
pluggable sections, and the organisation's settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports import escalation
from domains.reports.escalation import ADMIN_KIND, DIGEST_KIND, Row, Section, escalation_send
from domains.reports.models import Report
from kernel.core.errors import ValidationFailed
from kernel.notifications.daily import daily_jobs_run_due
from kernel.notifications.models import OutgoingMail
from kernel.organisations.escalation import organisation_set_escalation
from kernel.organisations.models import AuditEvent, Organisation
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db


def _age(report: Report, *, created_days: int = 0, due_days: int | None = None) -> None:
    """Move the report's creation (and its deadline) into the past, as days pass."""
    now = timezone.now()
    fields = {"created": now - dt.timedelta(days=created_days, minutes=1)}
    if due_days is not None:
        fields["due"] = now - dt.timedelta(days=due_days, minutes=1)
    Report.objects.filter(pk=report.pk).update(**fields)


def _digests(org: Organisation) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind=DIGEST_KIND, object_id=str(org.pk)))


def test_the_digest_lists_overdue_and_unaccepted_cases(world: World):
    _age(world.own, created_days=10, due_days=3)  # overdue by three days
    _age(world.own_unassigned, created_days=4)  # still "Eingegangen" after 4 ≥ 3 days, not yet due
    Report.objects.filter(pk=world.own_unassigned.pk).update(due=timezone.now() + dt.timedelta(days=5))
    counts = escalation_send(timezone.localdate())
    [mail] = _digests(world.dresden)
    assert mail.to == "maengel@dresden.example"
    assert "1 überfällig" in mail.subject and "Dresden" in mail.subject
    assert "Überfällige Fälle: 1" in mail.body
    assert f"{world.own.public_id}: Schlagloch" in mail.body and "3 Tag(e) überfällig" in mail.body
    assert f"/verwaltung/meldungen/{world.own.public_id}/" in mail.body
    assert f"/verwaltung/?overdue=1&organisation={world.dresden.pk}" in mail.body
    assert "nicht angenommen" in mail.body and world.own_unassigned.public_id in mail.body
    assert world.other.public_id not in mail.body  # Leipzig's case is Leipzig's business
    assert _digests(world.leipzig) == []  # nothing to report there: no mail
    assert counts["digests"] == 1


def test_nothing_to_report_sends_nothing_and_off_means_off(world: World):
    assert escalation_send(timezone.localdate()) == {"digests": 0, "admin_mails": 0}
    _age(world.own, created_days=10, due_days=3)
    Organisation.objects.filter(pk=world.dresden.pk).update(escalation_enabled=False)
    escalation_send(timezone.localdate())
    assert _digests(world.dresden) == []


def test_the_daily_job_sends_exactly_once_a_day(world: World):
    _age(world.own, created_days=10, due_days=3)
    today = timezone.localdate()
    assert daily_jobs_run_due(today)["escalation_digest"] == "ran"
    assert daily_jobs_run_due(today)["escalation_digest"] == "done"  # a second node, or a second sweep
    assert len(_digests(world.dresden)) == 1
    assert daily_jobs_run_due(today + dt.timedelta(days=1))["escalation_digest"] == "ran"  # the next day
    assert len(_digests(world.dresden)) == 2


def test_second_level_goes_to_the_admins_after_m_days(world: World):
    admin = world.users["admin_a"]
    admin.email = "leitung@dresden.example"
    admin.save()
    _age(world.own, created_days=10, due_days=3)
    Organisation.objects.filter(pk=world.dresden.pk).update(
        escalation_admin_days=5, escalation_recipient="bauamt@dresden.example"
    )
    escalation_send(timezone.localdate())
    assert [m.to for m in _digests(world.dresden)] == ["bauamt@dresden.example"]
    assert not OutgoingMail.objects.filter(kind=ADMIN_KIND).exists()  # 3 days over < 5
    Organisation.objects.filter(pk=world.dresden.pk).update(escalation_admin_days=3)
    counts = escalation_send(timezone.localdate())
    [mail] = OutgoingMail.objects.filter(kind=ADMIN_KIND)
    assert mail.to == "leitung@dresden.example" and counts["admin_mails"] == 1
    assert world.own.public_id in mail.body and "seit 3 Tagen" in mail.subject


def test_a_registered_section_joins_the_digest_and_its_second_level(world: World):
    """How the hand-offs' section plugs in: a provider in the registry, nothing else to change."""
    Organisation.objects.filter(pk=world.dresden.pk).update(escalation_admin_days=2)
    admin = world.users["admin_a"]
    admin.email = "leitung@dresden.example"
    admin.save()

    def handoffs(org: Organisation, now: dt.datetime) -> Section | None:
        if org.pk != world.dresden.pk:
            return None
        row = Row("SN-X", "Straßenbaufirma Muster, seit 12.11.", "https://example.org/x", days_over=4)
        return Section("handoffs", "Überfällige Weitergaben", 1, [row])

    escalation.register_escalation_section("test-handoffs", handoffs, order=30)
    try:
        escalation_send(timezone.localdate())
    finally:
        escalation._PROVIDERS.pop("test-handoffs")
    [mail] = _digests(world.dresden)
    assert "Überfällige Weitergaben: 1" in mail.body and "Straßenbaufirma Muster" in mail.body
    assert "SN-X" in OutgoingMail.objects.get(kind=ADMIN_KIND).body


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"escalation_unaccepted_days": "0"}, "escalation_unaccepted_days"),
        ({"escalation_unaccepted_days": "61"}, "escalation_unaccepted_days"),
        ({"escalation_unaccepted_days": "３"}, "escalation_unaccepted_days"),  # a full-width digit
        ({"escalation_unaccepted_days": "3", "escalation_admin_days": "-1"}, "escalation_admin_days"),
        ({"escalation_unaccepted_days": "3", "escalation_recipient": "kein@"}, "escalation_recipient"),
    ],
)
def test_settings_are_validated_and_nothing_is_half_saved(world: World, values: dict, field: str):
    admin = world.users["admin_a"]
    before = Organisation.objects.filter(pk=world.dresden.pk).values().get()
    with pytest.raises(ValidationFailed) as exc:
        organisation_set_escalation(actor=admin, organisation=world.dresden, values=values)
    assert field in exc.value.errors and "bitte" in exc.value.errors[field][0].lower()
    assert Organisation.objects.filter(pk=world.dresden.pk).values().get() == before


def test_the_settings_page_stores_and_shows_errors_at_their_fields(client, world: World):
    from tests.staff_world import confirmed_second_factor

    confirmed_second_factor("admin_a")
    login(client, "admin_a")
    url = "/verwaltung/einstellungen/eskalation/"
    response = client.post(
        url, {"escalation_unaccepted_days": "x", "escalation_recipient": "bauamt@dresden.example"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nicht angenommen nach: bitte eine ganze Zahl von 1 bis 60 angeben." in text
    assert 'value="bauamt@dresden.example"' in text  # what was typed stays
    data = {"escalation_unaccepted_days": "5", "escalation_admin_days": "", "escalation_recipient": ""}
    assert client.post(url, data).status_code == 302  # no "escalation_enabled": switched off
    org = Organisation.objects.get(pk=world.dresden.pk)
    assert (org.escalation_enabled, org.escalation_unaccepted_days, org.escalation_admin_days) == (
        False,
        5,
        None,
    )
    assert AuditEvent.objects.filter(action="organisation.escalation", organisation=org).exists()
    assert "Tägliche Übersicht" in client.get("/verwaltung/einstellungen/").content.decode()


def test_overdue_hand_offs_have_their_own_section(world: World):
    """Issue 30.4 with 30.6: a hand-off past its date is listed with the outsider's name and the days over;
    one due today is not, and a revoked one is not."""
    from domains.reports.handoffs.models import Handoff
    from domains.reports.handoffs.services import HandoffInput, handoff_create, handoff_revoke

    def hand_off(report: Report, name: str, days_ago: int) -> Handoff:
        data = HandoffInput(name=name, email="auftrag@tiefbau.example", due=timezone.localdate(), message="")
        handoff = handoff_create(actor=world.users["caseworker_a"], public_id=report.public_id, data=data)
        Handoff.objects.filter(pk=handoff.pk).update(due=timezone.localdate() - dt.timedelta(days=days_ago))
        return handoff

    hand_off(world.own_unassigned, "Tiefbau Müller GmbH", 4)
    hand_off(world.own, "Stadtwerke", 0)  # due today: not yet overdue
    revoked = hand_off(world.own, "Widerrufen GmbH", 9)
    handoff_revoke(actor=world.users["caseworker_a"], handoff_id=revoked.pk)
    escalation_send(timezone.localdate())
    [mail] = _digests(world.dresden)
    assert "Überfällige Übergaben an Externe: 1" in mail.body
    assert "extern bei Tiefbau Müller GmbH" in mail.body and "4 Tag(e) überfällig" in mail.body
    assert "Stadtwerke" not in mail.body and "Widerrufen GmbH" not in mail.body
    assert "/verwaltung/uebergaben/?ueberfaellig=1" in mail.body
