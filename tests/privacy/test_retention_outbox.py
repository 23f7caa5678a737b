"""Erasure reaches the outbox: after a case's retention period (and on request) the mails about it lose
recipient, salutation, body, stored headers and attachments, and the person's e-mail address is nowhere
in the database — checked by time travel and a ``pg_dump --data-only`` of the whole test database.

Each test first finds the address in the dump (so the final check could fail), then runs the retention
day after the deadline and finds it gone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.accessibility.services import feedback_mark_answered, feedback_submit
from domains.reports.services.abuse import notice_decide, notice_submit
from domains.reports.services.citizen_updates import update_confirm, update_submit
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from kernel.organisations.models import Organisation
from shared.privacy.requests import personal_data_erase
from shared.privacy.retention import retention_apply
from shared.subscriptions.models import Subscription
from shared.subscriptions.services import (
    AreaRequest,
    area_subscribe,
    manage_link_request,
    report_follow,
    subscription_cancel,
)
from tests.factories import set_status
from tests.privacy.database_dump import database_text
from tests.privacy.helpers import (
    applied_parking,
    applied_permit,
    approve_permit,
    caseworker,
    decide_parking,
    reported,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


def deliver_all() -> None:
    """The task worker's part: every queued mail is sent (its stored links redacted, the rest kept)."""
    for pk in OutgoingMail.objects.filter(sent__isnull=True).values_list("pk", flat=True):
        assert mail_send(pk) == "sent"


def in_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years, day=min(day.day, 28) if day.month == 2 else day.day)


def assert_erased_after(address: str, as_of: dt.date, *, kind: str) -> None:
    """The address is in the database before, the retention run for ``as_of`` erases ``kind``, and then
    the address is nowhere — no mail to it, no body, header or attachment naming it."""
    deliver_all()
    assert OutgoingMail.objects.filter(to__iexact=address).exists()
    assert address in database_text()
    assert retention_apply(as_of=as_of)[kind] >= 1
    assert not OutgoingMail.objects.filter(to__iexact=address).exists()
    assert address not in database_text()


def test_report_contact_retention_erases_the_reporters_mails(mailoutbox):
    address = "zeitreise-meldung@example.org"
    report = reported(email=address)
    set_status(report, "in_progress", public_note="Wir kümmern uns.")
    set_status(report, "resolved")
    days = report.organisation.retention_report_contact_days
    assert_erased_after(address, TODAY + dt.timedelta(days=days + 1), kind="report_contacts")
    erased = OutgoingMail.objects.filter(object_id=report.public_id, kind="report.status")
    assert erased.count() == 2
    assert [(m.to, m.headers, m.attachments) for m in erased] == [("", {}, [])] * 2
    assert {m.body for m in erased} == {"(Inhalt nach Ablauf der Aufbewahrungsfrist gelöscht.)\n"}


def test_report_contact_retention_erases_the_receipt(mailoutbox):
    address = "zeitreise-quittung@example.org"
    report = reported(email=address)
    assert OutgoingMail.objects.filter(
        object_id=report.public_id, kind="report.received", to=address
    ).exists()
    set_status(report, "resolved")
    days = report.organisation.retention_report_contact_days
    assert_erased_after(address, TODAY + dt.timedelta(days=days + 1), kind="report_contacts")
    [receipt] = OutgoingMail.objects.filter(object_id=report.public_id, kind="report.received")
    assert (receipt.to, receipt.body) == ("", "(Inhalt nach Ablauf der Aufbewahrungsfrist gelöscht.)\n")
    assert "/verfolgen/" not in database_text()  # the tracking link went with the body


def test_permit_retention_erases_the_applicants_mails(mailoutbox):
    address = "zeitreise-sondernutzung@example.org"
    permit = applied_permit(email=address)
    approve_permit(permit)
    end_day = timezone.localtime(permit.end).date()
    assert_erased_after(address, in_years(end_day, 6) + dt.timedelta(days=1), kind="permits")
    assert "Meier" not in database_text()  # "Guten Tag Gerüstbau Meier GmbH" went with the body


def test_parking_retention_erases_the_applicants_mails_and_their_attachments(mailoutbox):
    address = "zeitreise-parken@example.org"
    permit = decide_parking(applied_parking(email=address), "approved")
    assert OutgoingMail.objects.filter(object_id=permit.public_id).exclude(attachments=[]).exists()
    assert_erased_after(address, in_years(permit.valid_until, 1) + dt.timedelta(days=1), kind="parking")
    assert not OutgoingMail.objects.filter(object_id=permit.public_id).exclude(attachments=[]).exists()
    assert "DD-XY 42" not in database_text() and "Rita Rad" not in database_text()


def test_unconfirmed_alert_retention_erases_its_confirmation_and_manage_mails(mailoutbox):
    address = "zeitreise-alarm@example.org"
    area_subscribe(request=AreaRequest(email=address, ags="14612000"))
    manage_link_request(email=address)
    assert OutgoingMail.objects.filter(kind="subscription.manage", to=address).exists()
    assert_erased_after(address, TODAY + dt.timedelta(days=8), kind="subscriptions")


def test_cancelled_follow_retention_erases_its_status_mails(mailoutbox):
    address = "zeitreise-folgen@example.org"
    report = reported(email="")
    report_follow(public_id=report.public_id, email=address)
    Subscription.objects.filter(email=address).update(confirmed=timezone.now())
    set_status(report, "in_progress", public_note="Wir kümmern uns.")
    subscription_cancel(Subscription.objects.get(email=address))
    assert OutgoingMail.objects.filter(kind="report.status", to=address).exists()
    assert_erased_after(address, TODAY + dt.timedelta(days=1), kind="subscriptions")


def test_update_retention_erases_the_confirmation_mail(mailoutbox):
    address = "zeitreise-ergaenzung@example.org"
    report = reported(email="")
    update = update_submit(public_id=report.public_id, text="Es ist größer geworden.", email=address)
    update_confirm(update_id=update.pk)
    days = report.organisation.retention_report_contact_days
    assert_erased_after(address, TODAY + dt.timedelta(days=days + 1), kind="update_emails")


def test_notice_retention_erases_receipt_and_decision_mails(mailoutbox):
    address = "zeitreise-hinweis@example.org"
    report = reported(email="")
    notice = notice_submit(public_id=report.public_id, reason="spam", email=address, good_faith=True)
    notice_decide(
        actor=caseworker(report.organisation), notice_id=notice.pk, decision="rejected", note="Sachlich"
    )
    assert OutgoingMail.objects.filter(kind="report.notice_decided", to=address).exists()
    days = report.organisation.retention_report_contact_days
    assert_erased_after(address, TODAY + dt.timedelta(days=days + 1), kind="notice_emails")


def test_accessibility_feedback_retention_erases_the_receipt(mailoutbox, settings):
    settings.PLATFORM_OPERATOR_EMAIL = "betrieb@example.org"
    address = "zeitreise-barriere@example.org"
    feedback = feedback_submit(description="Der Kontrast ist zu schwach.", email=address)
    feedback_mark_answered(feedback_id=feedback.pk)
    to_operator = OutgoingMail.objects.get(kind="a11y_feedback_new")
    assert_erased_after(address, TODAY + dt.timedelta(days=91), kind="a11y_feedback")
    assert OutgoingMail.objects.get(pk=to_operator.pk).to == "betrieb@example.org"


def test_a_communes_erasure_request_leaves_the_address_nowhere(mailoutbox):
    address = "zeitreise-anfrage@example.org"
    report = reported(email=address)
    set_status(report, "in_progress", public_note="Wir kümmern uns.")
    deliver_all()
    assert address in database_text()
    organisation = Organisation.objects.get(pk=report.organisation_id)
    personal_data_erase(email=address, organisation=organisation)
    assert address not in database_text()
