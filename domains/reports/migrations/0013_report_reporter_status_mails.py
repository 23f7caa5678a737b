"""The reporter's choice about status mails, on the report (issue 28). Filled from the reporter's former
follow rows by ``subscriptions`` 0004, which can read both apps (``reports`` sits below it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0012_report_account")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="reporter_status_mails",
            field=models.BooleanField(
                default=True, verbose_name="Statusmails an die meldende Person (privat)"
            ),
        ),
    ]
