"""The daily digest of area and commune alerts: the task worker's daily job (``kernel.notifications.daily``), so it
runs exactly once per day however many workers run. The run for day D lists the reports created on D-1
(local time); a digest is sent only if there is something to list."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shared.subscriptions.models import Frequency, SubscriptionKind
from shared.subscriptions.receivers import queue_alert
from shared.subscriptions.selectors import active, reports_for_alert


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def digest_send(day: dt.date) -> dict[str, int]:
    """Queue one digest per daily subscription with new reports on the day before ``day``."""
    since, until = _start_of(day - dt.timedelta(days=1)), _start_of(day)
    sent = 0
    daily = active().filter(frequency=Frequency.DAILY).exclude(kind=SubscriptionKind.REPORT)
    for subscription in daily.prefetch_related("categories"):
        reports = list(reports_for_alert(subscription, since=since, until=until))
        if reports:
            queue_alert(subscription, reports, digest=True)
            sent += 1
    return {"digests": sent}


def digest_daily_job(day: dt.date) -> dict[str, int]:
    return digest_send(day)
