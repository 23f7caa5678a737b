"""The ICU collation ``german`` every list of communes and districts is ordered by (kernel.boundaries.naming).

``de-u-kn-true``: German rules (ä with a, ß with ss) and digits compared as numbers. Non-deterministic
collations are not needed: it is used for ORDER BY only, never for equality or unique indexes.
"""

from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("boundaries", "0003_commune_population")]

    operations = [CreateCollation("german", provider="icu", locale="de-u-kn-true")]
