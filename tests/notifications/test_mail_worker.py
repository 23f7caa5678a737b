"""Notifications go through the outbox and the real task worker (db_worker); a failing mail server is retried."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from bench.common import free_port
from domains.reports.services import report_change_status
from kernel.notifications.models import OutgoingMail
from tests.factories import DRESDEN, make_report
from tests.smtp_server import SmtpServer
from tests.staff_world import World

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """Run Django's task worker for real until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_new_report_notifies_the_commune_after_commit_through_the_worker(world: World):
    created = make_report(lonlat=DRESDEN)
    row = OutgoingMail.objects.get(kind="report.new", object_id=created.report.public_id)
    assert row.to == "maengel@dresden.example"
    assert row.sent is None  # nothing is sent inside the request
    assert mail.outbox == []
    run_worker()
    row.refresh_from_db()
    assert row.sent is not None and row.attempts == 1
    sent = [m for m in mail.outbox if created.report.public_id in m.subject]
    assert len(sent) == 1
    assert sent[0].to == ["maengel@dresden.example"]
    assert "/verwaltung/meldungen/" in sent[0].body


def test_commune_recipient_per_category_wins(world: World):
    from domains.reports.models import Category, CommuneCategorySetting

    CommuneCategorySetting.objects.create(
        ags="14612000",
        category=Category.objects.get(slug="schlagloch"),
        recipient_email="strasse@dresden.example",
    )
    created = make_report(lonlat=DRESDEN, category="schlagloch")
    assert (
        OutgoingMail.objects.get(object_id=created.report.public_id, kind="report.new").to
        == "strasse@dresden.example"
    )


def test_reporter_is_told_of_every_public_status_change_in_german_with_tracking_link(world: World):
    report_change_status(
        actor=world.users["caseworker_a"],
        public_id=world.own.public_id,
        status="in_review",
        public_note="Wir prüfen das.",
    )
    run_worker()
    to_citizen = [m for m in mail.outbox if m.to == ["buerger@example.org"]]
    receipt = f"Ihre Meldung {world.own.public_id} ist eingegangen"  # the receipt came first, on creation
    assert [m.subject for m in to_citizen].count(receipt) == 1
    to_citizen = [m for m in to_citizen if m.subject != receipt]
    assert len(to_citizen) == 1
    message = to_citizen[0]
    assert message.subject == f"Ihre Meldung {world.own.public_id}: In Prüfung"
    assert "Wir prüfen das." in message.body
    from kernel.cases.tracking import tracking_token

    assert (
        f"/meldungen/{world.own.public_id}/verfolgen/{tracking_token(type(world.own), world.own.public_id)}/"
        in message.body
    )
    assert "intern" not in message.body.lower()


def test_nothing_is_sent_twice(world: World):
    make_report(lonlat=DRESDEN)
    run_worker()
    count = len(mail.outbox)
    from kernel.notifications.services import mail_requeue_pending, mail_send

    for row in OutgoingMail.objects.all():
        assert mail_send(row.pk) == "already-sent"
    assert mail_requeue_pending() == 0
    run_worker()
    assert len(mail.outbox) == count


def test_failing_mail_server_is_retried_until_it_answers(world: World, settings):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 3},
        }
    }
    settings.MAIL_RETRY_BASE_SECONDS = 0
    created = make_report(lonlat=DRESDEN)
    row = OutgoingMail.objects.get(object_id=created.report.public_id, kind="report.new")

    # Nothing listens on the port: the worker's attempt fails and a retry is queued.
    from django.tasks import default_task_backend  # noqa: F401 - the configured django-tasks-db backend

    from kernel.notifications.services import mail_send

    assert mail_send(row.pk) == "retry"
    row.refresh_from_db()
    assert row.sent is None and row.attempts == 1 and "Connection" in row.last_error

    with SmtpServer(port) as server:
        run_worker()  # runs the originally queued task and the retry; only one mail goes out
        row.refresh_from_db()
        assert row.sent is not None
        ours = [(to, msg) for to, msg in server.messages if created.report.public_id in msg["Subject"]]
        assert len(ours) == 1
        recipients, message = ours[0]
        assert recipients == ["maengel@dresden.example"]
        # The world fixture's own reports were queued before the server came up and are delivered too.
        assert OutgoingMail.objects.filter(sent__isnull=True).count() == 0
