"""Fill the organisation of existing history rows: the organisation responsible when the row was written.

A report forwarded later was with the forward's source before it: each row gets the source of the first
forward (audit action ``report.forward``) after it, else the report's current organisation. Rows written
after this migration get it from ``kernel.cases.history``.
"""

from django.db import migrations

FILL = """
UPDATE reports_statuschange h
SET organisation_id = coalesce(
    (
        SELECT o.id
        FROM organisations_auditevent a
        JOIN organisations_organisation o
          ON a.data->>'source' ~ '^[0-9]{1,18}$' AND o.id = (a.data->>'source')::bigint
        WHERE a.action = 'report.forward' AND a.object_type = 'report'
          AND a.object_id = h.report_id::text AND a.created > h.created
        ORDER BY a.created, a.id
        LIMIT 1
    ),
    r.organisation_id
)
FROM reports_report r
WHERE r.id = h.report_id AND h.organisation_id IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_initial"),
        ("reports", "0006_history_organisation"),
    ]

    operations = [migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop)]
