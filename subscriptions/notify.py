"""Mails of subscriptions, connected to the case kernel's signals (inside the change's transaction):

- ``status_recorded`` of a report → its status mail (``reports.notify.queue_status_mail``, the one builder)
  to each confirmed follower, the reporter included, each with its own unsubscribe link and headers;
- ``case_created`` of a report → the reporter follows it; immediate area/commune alerts are queued.

Daily digests are ``subscriptions.digest``.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cases.signals import case_created, status_recorded
from notifications.services import mail_queue
from reports.models import Report, StatusChange
from reports.notify import public_url, queue_status_mail, status_mail_due
from subscriptions.models import Frequency, Subscription
from subscriptions.selectors import alerts_for, followers
from subscriptions.services import reporter_follow
from subscriptions.tokens import unsubscribe_headers, unsubscribe_url


@receiver(status_recorded, sender=Report, dispatch_uid="subscriptions.notify.followers")
def notify_followers(sender: Any, *, case: Report, change: StatusChange, **kwargs: Any) -> None:
    """Every public status change and public note, to every confirmed follower."""
    if not status_mail_due(change):
        return
    for subscription in followers(case):
        url = unsubscribe_url(subscription)
        queue_status_mail(
            case,
            change,
            to=subscription.email,
            reporter=subscription.is_reporter,
            unsubscribe_url=url,
            headers=unsubscribe_headers(url),
        )


def queue_alert(subscription: Subscription, reports: list[Report], *, digest: bool) -> None:
    """One alert mail: a single new report (immediate) or the day's list (digest)."""
    url = unsubscribe_url(subscription)
    mail_queue(
        kind="subscription.digest" if digest else "subscription.alert",
        to=subscription.email,
        template="mail/subscription_alert.txt",
        context={
            "subscription": subscription,
            "reports": [(report, public_url(report)) for report in reports],
            "digest": digest,
            "unsubscribe_url": url,
        },
        object_type="subscription",
        object_id=str(subscription.pk),
        headers=unsubscribe_headers(url),
    )


@receiver(case_created, sender=Report, dispatch_uid="subscriptions.notify.created")
def report_created(sender: Any, *, case: Report, **kwargs: Any) -> None:
    reporter_follow(case)
    for subscription in alerts_for(case, frequency=Frequency.IMMEDIATE):
        queue_alert(subscription, [case], digest=False)
