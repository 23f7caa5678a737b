"""Fill the organisation of existing permit history rows from the permit's organisation (permits are
never forwarded, so it is the one that was responsible). New rows get it from ``kernel.cases.history``."""

from django.db import migrations

FILL = """
UPDATE permits_permitstatuschange h SET organisation_id = p.organisation_id
FROM permits_permit p WHERE p.id = h.permit_id AND h.organisation_id IS NULL;
UPDATE permits_parkingpermitstatuschange h SET organisation_id = p.organisation_id
FROM permits_parkingpermit p WHERE p.id = h.permit_id AND h.organisation_id IS NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("permits", "0003_history_organisation")]

    operations = [migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop)]
