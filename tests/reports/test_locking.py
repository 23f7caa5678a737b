"""A staff status change locks only its report, never the commune, organisation or category rows that
every new report of that commune references (found as deadlocks by the load test, docs/benchmarks.md)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection, transaction

from domains.reports.services import report_change_status
from tests.staff_world import World

pytestmark = pytest.mark.django_db(transaction=True)


def other_session() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"] or None,
        password=s["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip


def test_status_change_leaves_the_rows_new_reports_reference_unlocked(world: World):
    report = world.own
    referenced = [
        ("boundaries_commune", report.commune_id),
        ("organisations_organisation", report.organisation_id),
        ("reports_category", report.category_id),
    ]
    with transaction.atomic():  # keep the status change's locks while another session looks
        report_change_status(
            actor=world.users["caseworker_a"], public_id=report.public_id, status="in_review"
        )
        with other_session() as other:
            # What the foreign-key check of a concurrent report insert takes on each row; NOWAIT fails
            # at once (no timing involved) if the status change holds the row.
            for table, pk in referenced:
                other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE NOWAIT", [pk])
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM reports_report WHERE id = %s FOR UPDATE NOWAIT", [report.pk])
