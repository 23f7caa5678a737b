"""The whole follow flow end to end: form → confirmation mail → link → status mails with RFC 8058 headers →
one-click POST → silence. Mails go through the outbox and the real task worker to a real SMTP server on
loopback (tests/smtp_server.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from bench.common import free_port
from domains.reports.services import report_change_status
from shared.subscriptions.models import Subscription
from tests.factories import make_report
from tests.notifications.test_mail_worker import run_worker
from tests.smtp_server import SmtpServer
from tests.staff_world import World

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOWER = "nachbarin@example.org"


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    settings.SITE_URL = "https://maengel.example.de"
    with SmtpServer(port) as server:
        yield server


def to_follower(server: SmtpServer) -> list:
    return [message for rcpts, message in server.messages if rcpts == [FOLLOWER]]


def link(message, kind: str) -> str:
    """The path of the first /benachrichtigungen/<kind>/<token>/ link in the mail body."""
    url = re.search(rf"https://maengel\.example\.de(/benachrichtigungen/{kind}/\S+/)", message.get_content())
    assert url, message.get_content()
    return url.group(1)


def change(world: World, public_id: str, status: str, note: str = "") -> None:
    report_change_status(
        actor=world.users["caseworker_a"], public_id=public_id, status=status, public_note=note
    )


def test_follow_confirm_status_mail_with_unsubscribe_headers_one_click_then_silence(world: World, smtp):
    report = make_report(description="Laterne flackert seit Tagen").report
    browser = Client()
    page = browser.get(f"/meldungen/{report.public_id}/")
    assert "Meldung folgen" in page.content.decode()

    answer = browser.post(f"/meldungen/{report.public_id}/folgen/", {"email": FOLLOWER})
    assert answer.status_code == 200
    assert "Bitte prüfen Sie Ihr Postfach" in answer.content.decode()

    # Before the link is opened: the confirmation mail only, no status mail.
    change(world, report.public_id, "in_review", "Wir schauen uns das an.")
    run_worker()
    mails = to_follower(smtp)
    assert len(mails) == 1
    assert mails[0]["Subject"].startswith("Bitte bestätigen")
    confirm = link(mails[0], "bestaetigen")

    # The link shows a button (a scanner's GET confirms nothing); pressing it confirms.
    assert browser.get(confirm).status_code == 200
    assert Subscription.objects.get(email=FOLLOWER).confirmed is None
    assert browser.post(confirm).status_code == 200
    assert Subscription.objects.get(email=FOLLOWER).confirmed is not None
    # A changed token is unknown.
    assert browser.get(confirm[:-3] + "xx/").status_code == 404

    change(world, report.public_id, "in_progress", "Auftrag an den Bauhof.")
    run_worker()
    status_mail = to_follower(smtp)[-1]
    assert len(to_follower(smtp)) == 2
    assert status_mail["Subject"] == f"Meldung {report.public_id}: In Bearbeitung"
    assert "Auftrag an den Bauhof." in status_mail.get_content()
    assert "/verfolgen/" not in status_mail.get_content()  # the reporter's private link is not shared
    unsubscribe = link(status_mail, "abmelden")
    assert status_mail["List-Unsubscribe"] == f"<https://maengel.example.de{unsubscribe}>"
    assert status_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail provider POSTs from its own server: no cookies, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    path = urlsplit(status_mail["List-Unsubscribe"].strip("<>")).path
    done = provider.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    assert "Abbestellt" in done.content.decode()
    assert Subscription.objects.get(email=FOLLOWER).unsubscribed is not None

    change(world, report.public_id, "resolved", "Laterne getauscht.")
    run_worker()
    assert len(to_follower(smtp)) == 2  # nothing after unsubscribing


def test_reporter_is_told_by_reports_without_a_subscription_and_gets_the_headers(world: World, smtp):
    """The reporter's status mail comes from ``domains.reports.notify`` itself (issue 28), with its own
    stop link; it is no subscription (tests/reports/test_reporter_status_mail.py covers the link)."""
    report = make_report(email=FOLLOWER).report
    change(world, report.public_id, "in_review")
    run_worker()
    receipt, *mails = to_follower(smtp)  # the receipt of the report comes first (reports.notify)
    assert receipt["Subject"] == f"Ihre Meldung {report.public_id} ist eingegangen"
    assert [m["Subject"] for m in mails] == [f"Ihre Meldung {report.public_id}: In Prüfung"]
    assert "/verfolgen/" in mails[0].get_content()  # the reporter's own mail keeps the tracking link
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The stop page asks first; the button posts.
    path = urlsplit(mails[0]["List-Unsubscribe"].strip("<>")).path
    assert path.startswith(f"/meldungen/{report.public_id}/statusmails/abmelden/")
    assert path in mails[0].get_content()
    assert "Abbestellen" in Client().get(path).content.decode()
    assert not Subscription.objects.filter(report=report).exists()
