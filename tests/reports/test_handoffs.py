"""Hand-off to someone outside the platform (issue 30.4): staff hand a report to a contractor by a signed
link; the contractor, without an account, sets "In Arbeit"/"Erledigt", adds a note and an after-photo —
through the report's one status path, in the history as "extern per Link (<name>)" and in the audit log.
Expired, revoked and tampered links save nothing; a link never reaches another case."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domains.reports.handoffs.models import Handoff
from domains.reports.handoffs.selectors import handoffs_out, handoffs_overdue
from domains.reports.handoffs.services import (
    HandoffGone,
    HandoffInput,
    handoff_create,
    handoff_external_update,
    handoff_revoke,
    handoff_token,
)
from domains.reports.staff_selectors import staff_history
from kernel.core.errors import NotFound, ValidationFailed
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.factories import jpeg_bytes, photo
from tests.staff_world import state

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def _hand_off(world, report=None, **kw) -> Handoff:
    data = HandoffInput(
        name=kw.get("name", "Tiefbau Müller GmbH"),
        email=kw.get("email", "auftrag@tiefbau-mueller.example"),
        due=kw.get("due", TOMORROW),
        message=kw.get("message", "Bitte bis Freitag verfüllen."),
    )
    report = report or world.own_unassigned
    return handoff_create(actor=world.users["caseworker_a"], public_id=report.public_id, data=data)


def _link(handoff: Handoff) -> str:
    return f"/meldungen/{handoff.report.public_id}/auftrag/{handoff_token(handoff)}/"


def _media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_hand_off_mails_a_link_bound_to_the_case_and_records_it(world):
    before = world.own_unassigned.history.count()
    handoff = _hand_off(world)
    mail = OutgoingMail.objects.get(kind="report.handoff")
    assert mail.to == "auftrag@tiefbau-mueller.example"
    assert "Bitte bis Freitag verfüllen." in mail.body and TOMORROW.strftime("%d.%m.%Y") in mail.body
    link = re.search(r"https?://\S+/auftrag/\S+/", mail.body).group(0)
    assert link.endswith(_link(handoff))
    assert handoff.expires.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert world.own_unassigned.history.count() == before + 1
    assert AuditEvent.objects.filter(action="report.handoff", object_id=str(world.own_unassigned.pk)).exists()


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("name", {"name": "  "}),
        ("email", {"email": "kein-mail"}),
        ("due", {"due": timezone.localdate() - dt.timedelta(days=1)}),
        ("due", {"due": None}),
        ("message", {"message": "x" * 2001}),
    ],
)
def test_hand_off_refuses_bad_input_in_german_and_keeps_nothing(world, field, kw):
    with pytest.raises(ValidationFailed) as exc:
        _hand_off(world, **kw)
    assert field in exc.value.errors
    assert not Handoff.objects.exists() and not OutgoingMail.objects.filter(kind="report.handoff").exists()


def test_link_lifetime_is_configurable(world, settings):
    settings.HANDOFF_LINK_DAYS = 7
    handoff = _hand_off(world)
    assert handoff.expires.date() == (timezone.now() + dt.timedelta(days=7)).date()


def test_contractor_sets_in_arbeit_then_erledigt_with_note_and_photo(client, world):
    handoff = _hand_off(world)
    page = client.get(_link(handoff))
    assert page.status_code == 200 and "Tiefbau Müller GmbH" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    answer = client.post(_link(handoff), {"status": "in_progress", "note": "Material bestellt"})
    assert answer.status_code == 302
    upload = SimpleUploadedFile("nachher.jpg", jpeg_bytes(), content_type="image/jpeg")
    client.post(_link(handoff), {"status": "resolved", "note": "Loch verfüllt", "photo": upload})
    report = world.own_unassigned
    report.refresh_from_db()
    assert report.status == "resolved"
    assert report.photos.filter(kind="after").count() == 1
    rows = [h for h in staff_history(report, world.users["caseworker_a"]) if h.external]
    assert [r.to_status for r in rows] == ["in_progress", "resolved"]
    assert rows[0].external == "extern per Link (Tiefbau Müller GmbH)"
    assert rows[1].internal_note == "extern per Link (Tiefbau Müller GmbH): Loch verfüllt"
    assert rows[1].by_user is None
    summaries = list(
        AuditEvent.objects.filter(action="report.handoff_update")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "extern per Link (Tiefbau Müller GmbH): Status „In Bearbeitung“",
        "extern per Link (Tiefbau Müller GmbH): Status „Erledigt“, Foto nach der Erledigung",
    ]
    staff_mails = OutgoingMail.objects.filter(kind="report.handoff_update")
    assert staff_mails.count() == 2 and staff_mails.first().to == "maengel@dresden.example"
    handoff.refresh_from_db()
    assert handoff.last_activity is not None
    staff_page = client.get(_link(handoff))
    assert "Gespeichert" in staff_page.content.decode()


def test_staff_page_history_names_the_outsider(client, world):
    from tests.staff_world import login

    handoff = _hand_off(world)
    handoff_external_update(
        public_id=handoff.report.public_id, token=handoff_token(handoff), status="in_progress"
    )
    login(client, "caseworker_a")
    html = client.get(f"/verwaltung/meldungen/{handoff.report.public_id}/").content.decode()
    assert "(extern per Link (Tiefbau Müller GmbH))" in html


def test_sending_the_same_status_twice_changes_nothing(world):
    handoff = _hand_off(world)
    token = handoff_token(handoff)
    handoff_external_update(public_id=handoff.report.public_id, token=token, status="in_progress")
    before = state(world.own_unassigned)
    handoff_external_update(public_id=handoff.report.public_id, token=token, status="in_progress")
    assert state(world.own_unassigned) == before


def test_a_file_that_is_no_image_is_refused_in_german_and_nothing_is_saved(client, world):
    handoff = _hand_off(world)
    before = state(world.own_unassigned)
    files_before = _media_files()
    upload = SimpleUploadedFile("nachher.jpg", b"%PDF-1.4 kein Bild", content_type="image/jpeg")
    answer = client.post(_link(handoff), {"status": "resolved", "note": "Fertig", "photo": upload})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "„nachher.jpg“ ist kein unterstütztes Foto" in html
    assert (
        'id="error-summary" class="error-summary" tabindex="-1" role="alert" aria-labelledby="error-summary-title">'
        in html
    )
    assert state(world.own_unassigned) == before
    assert _media_files() == files_before
    assert not OutgoingMail.objects.filter(kind="report.handoff_update").exists()


def test_expired_link_gets_410_and_saves_nothing(client, world):
    handoff = _hand_off(world)
    Handoff.objects.filter(pk=handoff.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    before = state(world.own_unassigned)
    assert client.get(_link(handoff)).status_code == 410
    answer = client.post(_link(handoff), {"status": "resolved", "note": "Fertig"})
    assert answer.status_code == 410 and "abgelaufen" in answer.content.decode()
    assert "Es wurde nichts gespeichert." in answer.content.decode()
    assert state(world.own_unassigned) == before


def test_revoked_link_gets_410_and_saves_nothing(client, world):
    handoff = _hand_off(world)
    handoff_revoke(actor=world.users["caseworker_a"], handoff_id=handoff.pk)
    before = state(world.own_unassigned)
    answer = client.post(
        _link(handoff), {"status": "resolved", "photo": SimpleUploadedFile("a.jpg", jpeg_bytes())}
    )
    assert answer.status_code == 410 and "widerrufen" in answer.content.decode()
    assert state(world.own_unassigned) == before
    assert not world.own_unassigned.photos.exists()
    with pytest.raises(HandoffGone):
        handoff_external_update(public_id=handoff.report.public_id, token=handoff_token(handoff), note="x")


def test_revoking_twice_changes_nothing(world):
    handoff = _hand_off(world)
    handoff_revoke(actor=world.users["caseworker_a"], handoff_id=handoff.pk)
    before = state(world.own_unassigned)
    handoff_revoke(actor=world.users["caseworker_a"], handoff_id=handoff.pk)
    assert state(world.own_unassigned) == before


def test_tampered_token_and_other_case_get_404_and_save_nothing(client, world):
    handoff = _hand_off(world)
    token = handoff_token(handoff)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    before = state(world.own_unassigned)
    assert (
        client.post(
            f"/meldungen/{handoff.report.public_id}/auftrag/{tampered}/", {"status": "resolved"}
        ).status_code
        == 404
    )
    # The right token under another case's number reaches neither case.
    other_before = state(world.own)
    assert (
        client.post(f"/meldungen/{world.own.public_id}/auftrag/{token}/", {"status": "resolved"}).status_code
        == 404
    )
    assert state(world.own_unassigned) == before and state(world.own) == other_before
    with pytest.raises(NotFound):
        handoff_external_update(public_id=world.own.public_id, token=token, status="resolved")


def test_a_forwarded_case_ends_the_link(client, world):
    from domains.reports.services import report_forward

    handoff = _hand_off(world)
    report_forward(
        actor=world.users["caseworker_a"],
        public_id=handoff.report.public_id,
        organisation_id=world.leipzig.pk,
        reason="Zuständig: Leipzig",
    )
    assert client.get(_link(handoff)).status_code == 410
    Handoff.objects.filter(pk=handoff.pk).update(due=timezone.localdate() - dt.timedelta(days=1))
    assert not handoffs_out(world.users["caseworker_a"]).exists()
    assert not handoffs_overdue(world.dresden).exists()


def test_scope_other_commune_cannot_see_or_revoke(world):
    handoff = _hand_off(world)
    assert not handoffs_out(world.users["caseworker_b"]).exists()
    assert not handoffs_out(world.users["crew_a"]).exists()
    with pytest.raises(NotFound):
        handoff_revoke(actor=world.users["caseworker_b"], handoff_id=handoff.pk)
    handoff.refresh_from_db()
    assert handoff.revoked is None
    with pytest.raises(NotFound):
        handoff_create(
            actor=world.users["caseworker_b"],
            public_id=world.own.public_id,
            data=HandoffInput(name="X", email="x@example.org", due=TOMORROW),
        )


def test_overdue_selector_for_the_escalation_digest(world):
    late = _hand_off(world)
    Handoff.objects.filter(pk=late.pk).update(due=timezone.localdate() - dt.timedelta(days=2))
    _hand_off(world, report=world.own, name="Stadtwerke")  # due tomorrow: not overdue
    revoked = _hand_off(world, name="Widerrufen GmbH")
    Handoff.objects.filter(pk=revoked.pk).update(due=timezone.localdate() - dt.timedelta(days=2))
    handoff_revoke(actor=world.users["caseworker_a"], handoff_id=revoked.pk)
    assert [h.pk for h in handoffs_overdue(world.dresden)] == [late.pk]
    assert list(handoffs_overdue(world.leipzig.pk)) == []
    # Done by the contractor: no longer overdue.
    handoff_external_update(public_id=late.report.public_id, token=handoff_token(late), status="resolved")
    assert list(handoffs_overdue(world.dresden)) == []
    out = handoffs_out(world.users["caseworker_a"])
    assert [h.name for h in out] == ["Stadtwerke"]


def test_photo_only_update_without_status(world):
    handoff = _hand_off(world)
    handoff_external_update(public_id=handoff.report.public_id, token=handoff_token(handoff), photo=photo())
    assert world.own_unassigned.photos.filter(kind="after").count() == 1
    assert AuditEvent.objects.get(action="report.handoff_update").summary.endswith("Foto nach der Erledigung")


def test_empty_update_is_refused(client, world):
    handoff = _hand_off(world)
    before = state(world.own_unassigned)
    assert client.post(_link(handoff), {"status": "", "note": " "}).status_code == 400
    assert state(world.own_unassigned) == before


def test_the_contractor_page_speaks_english_too(client, world):
    handoff = _hand_off(world)
    html = client.get(_link(handoff) + "?lang=en").content.decode()
    assert "Report back to the administration" in html and "Work in progress" in html


def test_the_stored_mail_loses_the_link_secret_after_delivery(world):
    from kernel.notifications.services import redact_tracking_links

    handoff = _hand_off(world)
    body = OutgoingMail.objects.get(kind="report.handoff").body
    token = handoff_token(handoff)
    assert token in body
    redacted = redact_tracking_links(body)
    assert token not in redacted and f"/meldungen/{handoff.report.public_id}/auftrag/[entfernt]/" in redacted


def test_an_illegal_move_answers_409_in_german_and_saves_nothing(client, world):
    from domains.reports.services import report_change_status

    handoff = _hand_off(world)
    report_change_status(
        actor=world.users["caseworker_a"], public_id=handoff.report.public_id, status="rejected"
    )
    before = state(world.own_unassigned)
    upload = SimpleUploadedFile("nachher.jpg", jpeg_bytes(), content_type="image/jpeg")
    answer = client.post(_link(handoff), {"status": "in_progress", "photo": upload})
    assert answer.status_code == 409
    assert 'role="alert" aria-labelledby="error-summary-title">' in answer.content.decode()  # not hidden
    assert state(world.own_unassigned) == before and not world.own_unassigned.photos.exists()
