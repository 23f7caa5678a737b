"""The reporter's status mails move from their ``Subscription`` (``is_reporter``) to the report (issue 28):
``Report.reporter_status_mails`` keeps exactly today's outcome — True only where the reporter's follow is
confirmed, not cancelled and still for the report's address; a cancelled follow (also one already deleted
by the retention run, or one re-requested but never confirmed) becomes False, so nobody who said "no"
gets mail again. Then the reporter rows go: they were a copy of the report's own address, and
``domains.reports.notify`` now mails the reporter itself. The reverse recreates them from the report.
The column goes in 0005: PostgreSQL refuses to alter a table with pending trigger events of the deletes
in the same transaction."""

import hashlib
import secrets

from django.db import migrations
from django.utils import timezone


def _digest(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def choice_to_report(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Subscription = apps.get_model("subscriptions", "Subscription")
    wanted = set(
        Subscription.objects.filter(
            is_reporter=True, confirmed__isnull=False, unsubscribed__isnull=True
        ).values_list("report_id", "email_digest")
    )
    stopped = [
        pk
        for pk, email in Report.objects.exclude(reporter_email="")
        .values_list("pk", "reporter_email")
        .iterator()
        if (pk, _digest(email)) not in wanted
    ]
    for start in range(0, len(stopped), 1000):
        Report.objects.filter(pk__in=stopped[start : start + 1000]).update(reporter_status_mails=False)
    Subscription.objects.filter(is_reporter=True).delete()


def reporters_follow_again(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Subscription = apps.get_model("subscriptions", "Subscription")
    now = timezone.now()
    rows = [
        Subscription(
            kind="report",
            email=email,
            email_digest=_digest(email),
            report_id=pk,
            is_reporter=True,
            confirmed=created,
            unsubscribed=None if wants else now,
            nonce=secrets.token_urlsafe(16),
        )
        for pk, email, created, wants in Report.objects.exclude(reporter_email="").values_list(
            "pk", "reporter_email", "created", "reporter_status_mails"
        )
    ]
    Subscription.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0003_commune_alert_index"),
        ("reports", "0013_report_reporter_status_mails"),
    ]

    operations = [migrations.RunPython(choice_to_report, reporters_follow_again)]
