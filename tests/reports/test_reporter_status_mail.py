"""The reporter's status mail belongs to ``reports`` (issue 28, "explicit flow"): a status change queues
it from ``domains.reports.notify`` itself, with the tracking link, a signed link to stop these mails and
RFC 8058 headers — with or without the subscriptions app listening. Followers still get their own copy
from ``shared.subscriptions``; the reporter's address never gets two."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from domains.reports.models import Report
from domains.reports.notify import report_status_changed
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from shared.subscriptions.models import Subscription
from shared.subscriptions.receivers import notify_followers
from shared.subscriptions.services import report_follow, subscription_confirm
from tests.factories import make_report, set_status

pytestmark = pytest.mark.django_db

REPORTER = "melderin@example.org"
FOLLOWER = "nachbar@example.org"
FOLLOWERS_UID = "shared.subscriptions.receivers.followers"


@pytest.fixture
def without_followers_receiver():
    """The subscriptions app does not listen (as if it were not installed)."""
    assert report_status_changed.disconnect(sender=Report, dispatch_uid=FOLLOWERS_UID)
    yield
    report_status_changed.connect(notify_followers, sender=Report, dispatch_uid=FOLLOWERS_UID)


def status_mails(to: str) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="report.status", to=to).order_by("pk"))


def follow(report: Report, email: str) -> None:
    report_follow(public_id=report.public_id, email=email)
    subscription_confirm(Subscription.objects.get(report=report, email=email))


def stop_path(mail: OutgoingMail) -> str:
    """The path of the reporter's stop link, which the body and the List-Unsubscribe header both carry."""
    url = mail.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(settings.SITE_URL), url
    assert url in mail.body
    return urlsplit(url).path


def test_without_the_followers_receiver_the_reporter_still_gets_one_status_mail(without_followers_receiver):
    report = make_report(email=REPORTER).report
    set_status(report, "in_review", public_note="Wir sehen uns das an.")
    [mail] = status_mails(REPORTER)
    assert mail.subject == f"Ihre Meldung {report.public_id}: In Prüfung"
    assert "Wir sehen uns das an." in mail.body
    assert re.search(rf"/meldungen/{report.public_id}/verfolgen/\S+/", mail.body)  # the private link
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/meldungen/{report.public_id}/" in stop_path(mail)


def test_reporter_and_follower_each_get_one_mail_also_when_the_reporter_follows_too():
    report = make_report(email=REPORTER).report
    follow(report, FOLLOWER)
    follow(report, REPORTER.upper())  # the reporter's own address through the follow form
    set_status(report, "in_progress", public_note="Auftrag an den Bauhof.")
    [to_reporter] = status_mails(REPORTER)
    [to_follower] = status_mails(FOLLOWER)
    assert not status_mails(REPORTER.upper())
    assert "/verfolgen/" in to_reporter.body and "/verfolgen/" not in to_follower.body
    assert "/benachrichtigungen/abmelden/" in to_follower.headers["List-Unsubscribe"]
    assert "/benachrichtigungen/" not in to_reporter.headers["List-Unsubscribe"]


def test_one_click_stops_the_reporters_status_mails_not_the_followers(mailoutbox):
    report = make_report(email=REPORTER).report
    follow(report, FOLLOWER)
    set_status(report, "in_review")
    [mail] = status_mails(REPORTER)
    path = stop_path(mail)

    # Delivered through the real sender: the headers reach the message, the stored copy loses the token.
    assert mail_send(mail.pk) == "sent"
    sent = [m for m in mailoutbox if m.to == [REPORTER]][-1]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path in sent.extra_headers["List-Unsubscribe"]
    mail.refresh_from_db()
    assert path not in mail.body and path not in mail.headers["List-Unsubscribe"]

    # A GET only asks (a scanner opening the link stops nothing).
    page = Client().get(path)
    assert page.status_code == 200
    assert "Keine E-Mails mehr zum Stand der Meldung" in page.content.decode()
    assert Report.objects.get(pk=report.pk).reporter_status_mails is True

    # RFC 8058: the provider POSTs without cookies or CSRF token.
    provider = Client(enforce_csrf_checks=True)
    done = provider.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    assert "Abbestellt" in done.content.decode()
    assert done["Cache-Control"] == "private, no-store"
    assert Report.objects.get(pk=report.pk).reporter_status_mails is False
    assert provider.post(path).status_code == 200  # idempotent

    set_status(report, "resolved", public_note="Erledigt.")
    assert len(status_mails(REPORTER)) == 1  # nothing after stopping
    assert len(status_mails(FOLLOWER)) == 2  # the follower is still told


def test_a_reporter_who_stopped_them_may_follow_like_anyone_else():
    report = make_report(email=REPORTER).report
    Client().post(stop_path_of_first_mail(report))
    follow(report, REPORTER)
    set_status(report, "in_progress")
    [first, second] = status_mails(REPORTER)
    assert "/benachrichtigungen/abmelden/" in second.headers["List-Unsubscribe"]  # the follower's copy
    assert "/verfolgen/" not in second.body


def stop_path_of_first_mail(report: Report) -> str:
    set_status(report, "in_review")
    return stop_path(status_mails(REPORTER)[0])


@pytest.mark.parametrize("change", ["xx", "swap"])
def test_a_changed_or_foreign_stop_link_is_404(change):
    report = make_report(email=REPORTER).report
    other = make_report(email=FOLLOWER).report
    path = stop_path_of_first_mail(report)
    if change == "xx":
        bad = path[:-3] + "xx/"
    else:
        bad = path.replace(report.public_id, other.public_id)
    for method in (Client().get, Client().post):
        assert method(bad).status_code == 404
    assert Report.objects.get(pk=other.pk).reporter_status_mails is True
    assert Report.objects.get(pk=report.pk).reporter_status_mails is True


def test_without_an_address_no_status_mail_and_no_error(without_followers_receiver):
    report = make_report().report
    set_status(report, "in_review", public_note="Danke.")
    assert not OutgoingMail.objects.filter(kind="report.status").exists()


def test_the_choice_is_exported_and_erased_with_the_reporters_contact_data():
    """``domains.reports.personal_data``: the choice is the reporter's, so an Art. 15 export shows it and
    an erasure (request or retention) returns it to the default, audited by field name."""
    from domains.reports.personal_data import (
        report_erase_contact,
        report_personal_record,
        reports_contact_due,
    )
    from kernel.organisations.models import AuditEvent

    report = make_report(email=REPORTER).report
    Client().post(stop_path_of_first_mail(report))
    report.refresh_from_db()
    assert report_personal_record(report)["reporter_status_mails"] is False

    # Contact data already gone (e.g. erased before this field existed): the choice alone is still due.
    Report.objects.filter(pk=report.pk).update(reporter_email="")
    set_status(report, "resolved")
    later = Report.objects.get(pk=report.pk).updated + dt.timedelta(days=400)
    assert list(reports_contact_due(moment=later)) == [Report.objects.get(pk=report.pk)]
    assert report_erase_contact(report_id=report.pk, reason="request") == ["reporter_status_mails"]
    assert Report.objects.get(pk=report.pk).reporter_status_mails is True
    [event] = AuditEvent.objects.filter(action="report.personal_erased")
    assert event.data["fields"] == ["reporter_status_mails"]
    assert list(reports_contact_due(moment=later)) == []
    assert report_erase_contact(report_id=report.pk) == []  # nothing left
