"""The statistics roll-up's copy of a changed report (``reports_statistics_fields``, migration 0022) also keeps
``held_for_review`` (0024), which the public filter reads; still nothing personal."""

from django.db import migrations

COLUMNS = ["id", "status", "category_id", "commune_id", "district_id", "created", "due", "internal"]


def _function(columns: list[str]) -> str:
    fields = ", ".join(f"'{c}', r.{c}" for c in columns)
    return (
        "CREATE OR REPLACE FUNCTION reports_statistics_fields(r reports_report) RETURNS jsonb "
        f"LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_build_object({fields}) $$;"
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0026_danger_categories_and_notices")]

    operations = [
        migrations.RunSQL(_function([*COLUMNS, "held_for_review"]), _function(COLUMNS)),
    ]
