"""Time travel with ``manage.py apply_retention --as-of``: before each deadline nothing changes, after it
the personal fields are empty, files are gone, and an audit entry names the fields but not the values."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from domains.permits.models import Notice, ParkingPermit, Permit, PermitAttachment
from domains.reports.models import Report, StatusChange, Support
from domains.reports.services import report_support
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from kernel.organisations.models import AuditEvent
from kernel.organisations.retention_periods import organisation_set_retention
from tests.factories import LEIPZIG, set_status
from tests.privacy.helpers import (
    PERSON,
    applied_parking,
    applied_permit,
    approve_permit,
    decide_parking,
    reported,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def retention(as_of: dt.date, *extra: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", "--as-of", as_of.isoformat(), *extra, stdout=out)
    return out.getvalue()


def in_years(day: dt.date, years: int) -> dt.date:
    return (
        day.replace(year=day.year + years)
        if not (day.month == 2 and day.day == 29)
        else day.replace(year=day.year + years, day=28)
    )


def audit_texts(action: str) -> list[str]:
    return [
        json.dumps([e.summary, e.data], ensure_ascii=False) for e in AuditEvent.objects.filter(action=action)
    ]


def reporter(report: Report) -> tuple:
    report.refresh_from_db()
    return report.reporter_name, report.reporter_email, report.reporter_phone


def test_reporter_contact_is_erased_90_days_after_closing_not_before():
    report = reported()
    set_status(report, "resolved")
    updated = Report.objects.get(pk=report.pk).updated

    out = retention(TODAY + dt.timedelta(days=90))
    assert "Kontaktdaten von Meldenden: 0" in out
    assert reporter(report) == ("Rita Rad", PERSON, "+49 351 987654")
    assert audit_texts("report.personal_erased") == []

    out = retention(TODAY + dt.timedelta(days=91))
    assert "Kontaktdaten von Meldenden: 1" in out
    assert reporter(report) == ("", "", "")
    assert report.description and report.category_id and report.history.count() == 2
    assert report.updated == updated  # the public "updated" time does not move
    [text] = audit_texts("report.personal_erased")
    assert "reporter_email" in text
    assert PERSON not in text and "Rita" not in text and "987654" not in text


def test_open_reports_keep_their_contact_however_old():
    report = reported()
    retention(TODAY + dt.timedelta(days=3650))
    assert reporter(report) == ("Rita Rad", PERSON, "+49 351 987654")


def test_reopened_report_counts_from_its_last_closing():
    report = reported()
    set_status(report, "resolved")
    StatusChange.objects.filter(report=report, to_status="resolved").update(
        created=timezone.now() - dt.timedelta(days=200)
    )
    set_status(report, "in_review")
    set_status(report, "rejected")
    retention(TODAY + dt.timedelta(days=90))
    assert reporter(report)[1] == PERSON
    retention(TODAY + dt.timedelta(days=91))
    assert reporter(report)[1] == ""


def test_each_organisation_sets_its_own_period():
    dresden_report = reported()
    leipzig_report = reported(lonlat=LEIPZIG)
    organisation_set_retention(
        actor=None,
        organisation=dresden_report.organisation,
        values={
            "retention_report_contact_days": 30,
            "retention_support_days": 30,
            "retention_permit_years": 6,
            "retention_parking_years": 1,
        },
    )
    for report in (dresden_report, leipzig_report):
        set_status(report, "resolved")
    retention(TODAY + dt.timedelta(days=31))
    assert reporter(dresden_report)[1] == "" and reporter(leipzig_report)[1] == PERSON


def test_dry_run_counts_and_changes_nothing():
    report = reported()
    set_status(report, "resolved")
    out = retention(TODAY + dt.timedelta(days=91), "--dry-run")
    assert "Probelauf" in out and "Kontaktdaten von Meldenden: 1" in out
    assert reporter(report)[1] == PERSON
    assert not AuditEvent.objects.filter(action="report.personal_erased").exists()


def test_supporter_hashes_are_erased_after_30_days_and_the_count_stays():
    report = reported()
    report_support(public_id=report.public_id, client_identity="app:1234", address="192.0.2.7")
    before = Support.objects.get(report=report)

    assert "Prüfwerte von Unterstützungen: 0" in retention(TODAY + dt.timedelta(days=30))
    assert Support.objects.get(pk=before.pk).client_hash == before.client_hash

    assert "Prüfwerte von Unterstützungen: 1" in retention(TODAY + dt.timedelta(days=31))
    after = Support.objects.get(pk=before.pk)
    assert after.client_hash.startswith("geloescht:") and after.address_hash == ""
    assert Report.objects.get(pk=report.pk).supporters == 1
    [text] = audit_texts("report.supports_erased")
    assert before.client_hash not in text and before.address_hash not in text


def test_permit_applicant_and_attachments_go_6_years_after_the_end(django_capture_on_commit_callbacks):
    permit = applied_permit()
    approve_permit(permit)
    [attachment] = PermitAttachment.objects.filter(permit=permit)
    assert default_storage.exists(attachment.file.name)
    end_day = timezone.localtime(permit.end).date()

    assert "Sondernutzungen: 0" in retention(in_years(end_day, 6))
    permit.refresh_from_db()
    assert permit.applicant_email == PERSON and default_storage.exists(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure is committed
        assert "Sondernutzungen: 1" in retention(in_years(end_day, 6) + dt.timedelta(days=1))
    permit.refresh_from_db()
    assert (
        permit.applicant_name,
        permit.applicant_email,
        permit.applicant_phone,
        permit.applicant_address,
    ) == (
        "",
        "",
        "",
        "",
    )
    assert permit.status == "approved" and permit.fee_total > 0 and permit.history.count() == 2
    assert not PermitAttachment.objects.filter(permit=permit).exists()
    assert not default_storage.exists(attachment.file.name)
    [text] = audit_texts("permit.personal_erased")
    assert PERSON not in text and "Meier" not in text and "Bautzner" not in text


def test_pending_permit_keeps_its_applicant():
    permit = applied_permit()
    retention(in_years(TODAY, 7))
    assert Permit.objects.get(pk=permit.pk).applicant_email == PERSON


def test_parking_permit_data_goes_one_year_after_expiry():
    permit = decide_parking(applied_parking(), "approved")
    location = permit.location
    assert permit.valid_until is not None

    assert "Parkausweisen: 0" in retention(in_years(permit.valid_until, 1))
    assert ParkingPermit.objects.get(pk=permit.pk).licence_plate == "DD-XY 42"

    assert "Parkausweisen: 1" in retention(in_years(permit.valid_until, 1) + dt.timedelta(days=1))
    permit.refresh_from_db()
    assert (
        permit.licence_plate,
        permit.applicant_name,
        permit.applicant_email,
        permit.applicant_address,
    ) == (
        "",
        "",
        "",
        "",
    )
    assert permit.location != location and permit.zone.geom.covers(permit.location)
    assert permit.permit_number and permit.status == "approved"
    [text] = audit_texts("parking.personal_erased")
    assert "DD-XY" not in text and PERSON not in text and "Alaunstraße" not in text


def test_parking_notices_go_with_the_data_and_unpaid_approvals_a_year_after_approval(
    django_capture_on_commit_callbacks,
):
    paid = decide_parking(applied_parking(), "approved")
    unpaid = decide_parking(applied_parking(), "approved", paid=False)
    assert unpaid.valid_until is None and Notice.objects.filter(parking_permit=unpaid).count() == 2
    names = list(Notice.objects.filter(parking_permit=paid).values_list("file", flat=True))
    assert len(names) == 3  # Bescheid, Gebührenbescheid, Parkausweis

    assert "Parkausweisen: 0" in retention(in_years(TODAY, 1) - dt.timedelta(days=1))
    assert "Parkausweisen: 1" in retention(in_years(TODAY, 1) + dt.timedelta(days=1))
    assert ParkingPermit.objects.get(pk=unpaid.pk).licence_plate == ""
    assert not Notice.objects.filter(parking_permit=unpaid).exists()

    with django_capture_on_commit_callbacks(execute=True):
        retention(in_years(paid.valid_until, 1) + dt.timedelta(days=1))
    assert not Notice.objects.filter(parking_permit=paid).exists()
    assert not any(default_storage.exists(name) for name in names)


@pytest.mark.parametrize("decision", ["rejected", "withdrawn"])
def test_rejected_or_withdrawn_parking_goes_one_year_after_the_decision(decision):
    permit = decide_parking(applied_parking(), decision)
    retention(in_years(TODAY, 1))
    assert ParkingPermit.objects.get(pk=permit.pk).licence_plate == "DD-XY 42"
    retention(in_years(TODAY, 1) + dt.timedelta(days=1))
    assert ParkingPermit.objects.get(pk=permit.pk).licence_plate == ""


def test_pending_parking_application_is_kept():
    permit = applied_parking()
    retention(in_years(TODAY, 5))
    assert ParkingPermit.objects.get(pk=permit.pk).licence_plate == "DD-XY 42"


def test_a_delivered_mail_keeps_no_working_tracking_link(mailoutbox):
    # kind="report.status" below: the receipt (report.received) went to the same address on creation
    report = reported()
    set_status(report, "in_review")  # the reporter is told, with the tracking link
    mail = OutgoingMail.objects.get(to=PERSON, kind="report.status")
    assert "/verfolgen/" in mail.body and "/verfolgen/[entfernt]/" not in mail.body
    assert mail_send(mail.pk) == "sent"
    assert "/verfolgen/" in mailoutbox[0].body and "[entfernt]" not in mailoutbox[0].body  # the person has it
    mail.refresh_from_db()
    assert "/verfolgen/[entfernt]/" in mail.body
    assert report.public_id in mail.body


def test_retention_redacts_links_left_in_mails_delivered_before():
    set_status(reported(), "in_review")
    mail = OutgoingMail.objects.get(to=PERSON, kind="report.status")
    OutgoingMail.objects.filter(pk=mail.pk).update(sent=timezone.now())  # sent by the old code
    token_part = mail.body.split("/verfolgen/")[1].split("/")[0]

    assert "Verfolgungslinks in versandten E-Mails: 1" in retention(TODAY)
    mail.refresh_from_db()
    assert token_part not in mail.body and "/verfolgen/[entfernt]/" in mail.body
    [text] = audit_texts("mail.links_redacted")
    assert token_part not in text
    assert "Verfolgungslinks in versandten E-Mails: 0" in retention(TODAY)


def test_unsent_mail_keeps_its_link_until_delivery():
    set_status(reported(), "in_review")
    retention(TODAY + dt.timedelta(days=400))
    assert "/verfolgen/[entfernt]/" not in OutgoingMail.objects.get(to=PERSON, kind="report.status").body


def test_bad_as_of_is_a_clear_error():
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        call_command("apply_retention", "--as-of", "morgen")
