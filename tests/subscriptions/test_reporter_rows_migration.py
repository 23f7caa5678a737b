"""``subscriptions`` 0004 moves the reporter's choice about status mails from their follow row
(``is_reporter``) to ``Report.reporter_status_mails`` and removes the rows: whoever was mailed before is
mailed after, whoever had cancelled (even if the retention run already deleted the row) is not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from domains.reports.models import Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("subscriptions", "0003_commune_alert_index"), ("reports", "0012_report_account")]
AFTER = [("subscriptions", "0005_subscription_no_is_reporter")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_reporters_choice_moves_to_the_report_and_the_rows_go():
    reports = {
        name: make_report(email=f"{name}@example.org").report for name in ("aktiv", "ab", "weg", "neu")
    }
    stopped = make_report(email="gestoppt@example.org").report
    Report.objects.filter(pk=stopped.pk).update(reporter_status_mails=False)
    anonymous = make_report().report
    try:
        old = migrate(BEFORE)  # the reverse recreates the reporter rows from the reports
        rows = old.get_model("subscriptions", "Subscription").objects
        assert rows.filter(is_reporter=True).count() == 5
        assert rows.get(report_id=stopped.pk).unsubscribed is not None
        rows.filter(report_id=reports["ab"].pk).update(unsubscribed=timezone.now())
        rows.filter(report_id=reports["weg"].pk).delete()  # cancelled, then deleted by the retention run
        old.get_model("reports", "Report").objects.filter(pk=reports["neu"].pk).update(
            reporter_email="anders@example.org"  # the row is for another address than the report's now
        )

        new = migrate(AFTER)
        assert not new.get_model("subscriptions", "Subscription").objects.exists()
        wants = dict(new.get_model("reports", "Report").objects.values_list("pk", "reporter_status_mails"))
        assert wants == {
            reports["aktiv"].pk: True,
            reports["ab"].pk: False,
            reports["weg"].pk: False,
            reports["neu"].pk: False,
            stopped.pk: False,
            anonymous.pk: True,
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
