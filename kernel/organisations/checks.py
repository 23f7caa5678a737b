"""``manage.py check --deploy --database default``: a public site without an Impressum.

§ 5 DDG makes the Impressum a legal duty of the operator; ``/impressum/`` shows the one
``PlatformOperator`` row entered in the Django admin. The check reads the database, so, like Django's own
database checks, it runs only when ``--database`` names one (deployment: docs/deployment.md).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError

from kernel.organisations.models import PlatformOperator  # imported from OrganisationsConfig.ready()

W001 = checks.Warning(
    "Kein Impressum: der Betreiber ist nicht eingetragen, /impressum/ zeigt nur einen Hinweis (§ 5 DDG).",
    hint="Im Django-Admin unter „Betreiber (Impressum)“ Name, Anschrift, Vertretung und E-Mail eintragen.",
    id="organisations.W001",
)


@checks.register(checks.Tags.database, deploy=True)
def impressum_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not databases:
        return []
    try:
        present = PlatformOperator.objects.using(next(iter(databases))).filter(pk=1).exists()
    except DatabaseError:  # not migrated yet: Django's own checks and migrate say so
        return []
    return [] if present else [W001]
