"""„Ich bin auch betroffen“: one "me too" per client on an open report."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from domains.reports.models import PUBLIC_REPORTS, Report, Support
from domains.reports.workflow import REPORT_WORKFLOW
from kernel.core.errors import Conflict, NotFound


@dataclass(frozen=True)
class SupportResult:
    supporters: int
    added: bool


def client_hash(identity: str, *, secret: str = "") -> str:
    """Keyed hash of a client identity (IP or app id): stable for de-duplication, useless if leaked."""
    key = secret or settings.SECRET_KEY
    return hmac.new(key.encode(), identity.encode(), hashlib.sha256).hexdigest()


def client_hashes(identity: str) -> list[str]:
    """The identity's hash under the current key and every ``SECRET_KEY_FALLBACKS`` entry: a client who
    supported before a key rotation is still recognised after it."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [client_hash(identity, secret=key) for key in keys]


MAX_APP_SUPPORTS_PER_ADDRESS = 5


def report_support(*, public_id: str, client_identity: str, address: str = "") -> SupportResult:
    """Add one "me too" per client to an open report; a repeat is not an error but adds nothing.

    ``client_identity`` is an app installation's id or the IP address; ``address`` the IP address. App
    ids are the client's own claim, so a new id per request would add a support each time: from one
    address at most MAX_APP_SUPPORTS_PER_ADDRESS supports per report count (a household or an office
    behind one address still gets a few).
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(PUBLIC_REPORTS, public_id=public_id).first()
        if report is None:  # unknown or internal: the public cannot see it, so it cannot support it
            raise NotFound("Meldung nicht gefunden.")
        if not REPORT_WORKFLOW.is_open(report.status):
            raise Conflict(
                "Diese Meldung ist bereits abgeschlossen und kann nicht mehr unterstützt werden.",
                code="report_closed",
            )
        address_hash = client_hash(f"ip:{address}") if address else ""
        supports = Support.objects.filter(report=report)
        if (
            address_hash
            and supports.filter(address_hash__in=client_hashes(f"ip:{address}")).count()
            >= MAX_APP_SUPPORTS_PER_ADDRESS
        ) or supports.filter(client_hash__in=client_hashes(client_identity)).exists():
            return SupportResult(supporters=report.supporters, added=False)
        _, created = Support.objects.get_or_create(
            report=report, client_hash=client_hash(client_identity), defaults={"address_hash": address_hash}
        )
        if created:
            Report.objects.filter(pk=report.pk).update(supporters=F("supporters") + 1)
            report.refresh_from_db(fields=["supporters"])
    return SupportResult(supporters=report.supporters, added=created)
