"""Reporters of existing reports follow them, as every new reporter does (``shared.subscriptions.services.
reporter_follow``): their status mails now go through subscriptions and would otherwise stop."""

import hashlib
import secrets

from django.db import migrations


def reporters_follow(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Subscription = apps.get_model("subscriptions", "Subscription")
    rows = []
    for pk, email, created in Report.objects.exclude(reporter_email="").values_list(
        "pk", "reporter_email", "created"
    ):
        rows.append(
            Subscription(
                kind="report",
                email=email,
                email_digest=hashlib.sha256(email.strip().lower().encode()).hexdigest(),
                report_id=pk,
                is_reporter=True,
                confirmed=created,
                nonce=secrets.token_urlsafe(16),
            )
        )
    Subscription.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_subscriptions")]

    operations = [migrations.RunPython(reporters_follow, migrations.RunPython.noop)]
