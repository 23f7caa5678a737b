"""What subscriptions do when the reports domain (a layer below, which cannot import this one) announces
a report, through the signals of ``domains.reports.notify``; run inside the report service's transaction:

- ``report_created`` → immediate area/commune alerts are queued;
- ``report_status_changed`` (sent only when a status mail is due, after ``reports`` mailed the reporter
  itself) → the status mail (``domains.reports.notify.queue_status_mail``, the one builder) to each
  confirmed follower, each with its own unsubscribe link and headers — except a follow of the address
  that already got the reporter's copy (``reporter_mailed``): one mail per address.

Also the alert mail (:func:`queue_alert`), which the daily digest (``shared.subscriptions.digest``) sends too.
Listed in docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from domains.reports.models import Report, StatusChange
from domains.reports.notify import public_url, queue_status_mail, report_created, report_status_changed
from kernel.notifications.services import mail_queue, one_click_unsubscribe_headers
from shared.subscriptions.models import Frequency, Subscription, email_digest
from shared.subscriptions.selectors import alerts_for, followers
from shared.subscriptions.tokens import unsubscribe_url


@receiver(report_status_changed, sender=Report, dispatch_uid="shared.subscriptions.receivers.followers")
def notify_followers(
    sender: Any, *, report: Report, change: StatusChange, reporter_mailed: str = "", **kwargs: Any
) -> None:
    """A public status change or public note, to every confirmed follower but the address the reporter's
    own copy went to."""
    skip = email_digest(reporter_mailed) if reporter_mailed else None
    for subscription in followers(report):
        if subscription.email_digest == skip:
            continue
        url = unsubscribe_url(subscription)
        queue_status_mail(
            report,
            change,
            to=subscription.email,
            reporter=False,
            unsubscribe_url=url,
            headers=one_click_unsubscribe_headers(url),
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
        headers=one_click_unsubscribe_headers(url),
    )


@receiver(report_created, sender=Report, dispatch_uid="shared.subscriptions.receivers.created")
def report_created_alert(sender: Any, *, report: Report, **kwargs: Any) -> None:
    for subscription in alerts_for(report, frequency=Frequency.IMMEDIATE):
        queue_alert(subscription, [report], digest=False)
