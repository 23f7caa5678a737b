"""Citizen updates (confirmed by link, pre-/post-moderation) and notices of illegal content (Art. 16 DSA):
public pages, staff decisions in the commune's own queue, mails, audit, retention of the addresses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domains.reports.models import AbuseNotice, CitizenUpdate, ReportPhoto
from domains.reports.services import report_attach_photo
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from shared.privacy.requests import personal_data_erase, personal_data_export
from shared.privacy.retention import retention_apply
from tests.factories import jpeg_bytes, photo
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db


def post_update(client, report, **extra):
    data = {"text": "Das Schlagloch ist größer geworden.", "email": "nachbar@example.org", **extra}
    return client.post(f"/meldungen/{report.public_id}/ergaenzen/", data)


def confirm_url(update: CitizenUpdate) -> str:
    mail = OutgoingMail.objects.get(kind="report.update_confirm", to=update.email)
    return re.search(r"https?://\S+?(/meldungen/\S+/ergaenzung/\S+/)", mail.body).group(1)


def test_an_update_counts_only_after_confirmation_then_waits_for_approval(client, world: World):
    report = world.own
    response = post_update(client, report, photo=SimpleUploadedFile("f.jpg", jpeg_bytes(), "image/jpeg"))
    assert response.status_code == 200
    update = CitizenUpdate.objects.get(report=report)
    assert update.state == "unconfirmed" and update.photo.hidden
    page = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "größer geworden" not in page
    url = confirm_url(update)
    assert client.get(url).status_code == 200  # shows a button, confirms nothing yet
    update.refresh_from_db()
    assert update.state == "unconfirmed"
    client.post(url)
    update.refresh_from_db()
    assert update.state == "pending"  # Dresden keeps the default: pre-moderation
    assert "größer geworden" not in client.get(f"/meldungen/{report.public_id}/").content.decode()

    login(client, "caseworker_a")
    client.post(f"/verwaltung/moderation/ergaenzungen/{update.pk}/", {"action": "publish"})
    update.refresh_from_db()
    assert update.state == "published" and not update.photo.hidden
    client.logout()
    page = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "größer geworden" in page and "nachbar@example.org" not in page


def test_post_moderation_publishes_on_confirmation_and_staff_can_hide(client, world: World):
    world.dresden.update_moderation = "post"
    world.dresden.save()
    post_update(client, world.own)
    update = CitizenUpdate.objects.get(report=world.own)
    client.post(confirm_url(update))
    update.refresh_from_db()
    assert update.state == "published"
    login(client, "caseworker_a")
    client.post(
        f"/verwaltung/moderation/ergaenzungen/{update.pk}/", {"action": "hide", "reason": "Beleidigung"}
    )
    update.refresh_from_db()
    assert update.state == "hidden"
    assert AuditEvent.objects.filter(action="report.update_moderate").exists()


def test_a_tampered_confirmation_link_is_404(client, world: World):
    post_update(client, world.own)
    url = confirm_url(CitizenUpdate.objects.get(report=world.own))
    assert client.post(url.replace("/ergaenzung/", "/ergaenzung/x")).status_code == 404
    assert CitizenUpdate.objects.get(report=world.own).state == "unconfirmed"


def test_bad_update_input_is_400_with_messages_and_nothing_stored(client, world: World):
    response = post_update(client, world.own, text="x" * 2001, email="keine-adresse")
    assert response.status_code == 400
    body = response.content.decode()
    assert "höchstens 2.000 Zeichen" in body and "gültige E-Mail-Adresse" in body
    assert not CitizenUpdate.objects.exists()
    assert not OutgoingMail.objects.filter(kind="report.update_confirm").exists()


def test_a_notice_post_without_any_field_is_400_with_the_messages_and_stores_nothing(client, world: World):
    # A bot or a stripped request sends no field at all; the page answers with its messages, not a 500.
    response = client.post(f"/meldungen/{world.own.public_id}/missbrauch/", {})
    assert response.status_code == 400
    assert "nach bestem Wissen" in response.content.decode()
    assert not AbuseNotice.objects.exists()


def test_other_communes_staff_cannot_moderate_updates_or_decide_notices(client, world: World):
    world.dresden.update_moderation = "post"
    world.dresden.save()
    post_update(client, world.own)
    update = CitizenUpdate.objects.get(report=world.own)
    client.post(confirm_url(update))
    client.post(
        f"/meldungen/{world.own.public_id}/missbrauch/",
        {"reason": "insult", "text": "Beleidigend", "good_faith": "on"},
    )
    notice = AbuseNotice.objects.get()
    login(client, "caseworker_b")  # Leipzig
    assert client.get("/verwaltung/moderation/").context["notices"] == []
    assert (
        client.post(f"/verwaltung/moderation/ergaenzungen/{update.pk}/", {"action": "hide"}).status_code
        == 404
    )
    response = client.post(
        f"/verwaltung/moderation/hinweise/{notice.pk}/", {"decision": "hidden", "note": "weg damit"}
    )
    assert response.status_code == 404
    update.refresh_from_db()
    notice.refresh_from_db()
    world.own.refresh_from_db()
    assert update.state == "published" and notice.decision == "" and not world.own.description_hidden


def test_a_notice_on_a_photo_hides_it_mails_the_decision_and_is_audited(client, world: World):
    attached = report_attach_photo(report=world.own, upload=photo())
    response = client.post(
        f"/meldungen/{world.own.public_id}/missbrauch/?foto={attached.pk}",
        {
            "reason": "personal",
            "text": "Mein Gesicht ist zu sehen",
            "email": "melder@example.org",
            "good_faith": "on",
        },
    )
    assert response.status_code == 200
    notice = AbuseNotice.objects.get()
    assert notice.photo_id == attached.pk
    assert OutgoingMail.objects.filter(kind="report.notice_received", to="melder@example.org").exists()
    to_commune = OutgoingMail.objects.get(kind="report.notice", to="maengel@dresden.example")
    assert "Mein Gesicht ist zu sehen" in to_commune.body and "melder@example.org" not in to_commune.body
    login(client, "caseworker_a")
    assert [n.pk for n in client.get("/verwaltung/moderation/").context["notices"]] == [notice.pk]
    client.post(
        f"/verwaltung/moderation/hinweise/{notice.pk}/", {"decision": "hidden", "note": "Person erkennbar"}
    )
    notice.refresh_from_db()
    assert notice.decision == "hidden" and notice.decided_by.username == "caseworker_a"
    assert ReportPhoto.objects.get(pk=attached.pk).hidden
    decided = OutgoingMail.objects.get(kind="report.notice_decided", to="melder@example.org")
    assert "Person erkennbar" in decided.body
    assert AuditEvent.objects.filter(action="report.notice_decide", data__notice=notice.pk).exists()
    # Deciding twice is refused and changes nothing.
    client.post(
        f"/verwaltung/moderation/hinweise/{notice.pk}/", {"decision": "rejected", "note": "doch nicht"}
    )
    notice.refresh_from_db()
    assert notice.decision == "hidden"


def test_a_rejected_notice_leaves_the_content(client, world: World):
    client.post(
        f"/meldungen/{world.own.public_id}/missbrauch/",
        {"reason": "spam", "email": "m@example.org", "good_faith": "on"},
    )
    notice = AbuseNotice.objects.get()
    login(client, "caseworker_a")
    client.post(f"/verwaltung/moderation/hinweise/{notice.pk}/", {"decision": "rejected", "note": "Sachlich"})
    world.own.refresh_from_db()
    assert not world.own.description_hidden
    assert AbuseNotice.objects.get().decision == "rejected"


def test_notice_form_needs_a_reason_and_refuses_unknown_targets(client, world: World):
    url = f"/meldungen/{world.own.public_id}/missbrauch/"
    response = client.post(url, {"reason": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "Bitte wählen Sie einen Grund." in body
    assert "nach bestem Wissen richtig und vollständig" in body
    assert client.get(url + "?foto=999999").status_code == 404
    assert client.get(url + "?ergaenzung=abc").status_code == 404
    assert client.get(url + "?foto=²").status_code == 404  # isdigit() accepts it, int() does not
    assert not AbuseNotice.objects.exists()


def test_addresses_of_updates_and_notices_are_erased_after_their_period(client, world: World):
    post_update(client, world.own)
    update = CitizenUpdate.objects.get()
    client.post(confirm_url(update))
    client.post(
        f"/meldungen/{world.own.public_id}/missbrauch/",
        {"reason": "spam", "email": "m@example.org", "good_faith": "on"},
    )
    notice = AbuseNotice.objects.get()
    login(client, "caseworker_a")
    client.post(f"/verwaltung/moderation/hinweise/{notice.pk}/", {"decision": "rejected", "note": "Sachlich"})
    days = world.dresden.retention_report_contact_days
    assert retention_apply(as_of=timezone.localdate())["update_emails"] == 0
    counts = retention_apply(as_of=timezone.localdate() + dt.timedelta(days=days + 1))
    assert counts["update_emails"] == 1 and counts["notice_emails"] == 1
    assert CitizenUpdate.objects.get().email == "" and AbuseNotice.objects.get().email == ""


def test_access_and_erasure_requests_cover_updates_and_notices(client, world: World):
    post_update(client, world.own)
    client.post(
        f"/meldungen/{world.own.public_id}/missbrauch/",
        {"reason": "spam", "email": "nachbar@example.org", "good_faith": "on"},
    )
    data = personal_data_export(email="nachbar@example.org")
    assert {row["type"] for row in data["participation"]} == {
        "Ergänzung",
        "Hinweis auf rechtswidrige Inhalte",
    }
    assert personal_data_erase(email="nachbar@example.org")["participation"] == 2
    assert CitizenUpdate.objects.get().email == "" and AbuseNotice.objects.get().email == ""


def test_the_staff_api_lists_confirmed_updates_without_the_address(client, world: World):
    post_update(client, world.own)
    client.post(confirm_url(CitizenUpdate.objects.get()))
    response = client.get(
        f"/api/v1/staff/reports/{world.own.public_id}/",
        HTTP_AUTHORIZATION=f"Token {world.tokens['caseworker_a']}",
    )
    rows = response.json()["citizen_updates"]
    assert [(r["state"], r["text"]) for r in rows] == [("pending", "Das Schlagloch ist größer geworden.")]
    assert "nachbar@example.org" not in response.content.decode()
