"""The reports' points of the go-live checklist (``kernel.organisations.readiness``), registered in
``ReportsConfig.ready``: the kernel may not import this app.

"Kategorien geprüft" means: an admin of the commune pressed "Kategorien geprüft" on the categories page
(an audit row ``categories.review``), after which the offered categories, recipients and deadlines are the
commune's own choice — even when it kept every default.
"""

from __future__ import annotations

from kernel.organisations.models import Organisation, OrganisationKind
from kernel.organisations.readiness import Check, audited, register_check


def _is_commune(org: Organisation) -> bool:
    return org.kind == OrganisationKind.COMMUNE


def register() -> None:
    # services import models: only once the app registry is ready (called from ReportsConfig.ready)
    from domains.reports.services.categories import CATEGORIES_REVIEWED

    register_check(
        Check(
            key="categories",
            label="Kategorien geprüft",
            missing="Die Kategorien, ihre Empfänger und Fristen sind noch nicht geprüft.",
            done="Die Kategorien sind geprüft.",
            url_name="staff:category-settings",
            test=audited(CATEGORIES_REVIEWED),
            applies=_is_commune,
            order=30,
        )
    )
