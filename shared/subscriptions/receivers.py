"""What subscriptions do when the reports domain (a layer below, which cannot import this one) announces
a report, through the signals of ``domains.reports.notify``; run inside the report service's transaction:

- ``report_created`` → the reporter follows the report (their status mails, with an unsubscribe link);
  immediate area/commune alerts are queued;
- ``report_status_changed`` (sent only when a status mail is due) → the status mail
  (``domains.reports.notify.queue_status_mail``, the one builder) to each confirmed follower, the reporter
  included, each with its own unsubscribe link and headers.

Also the alert mail (:func:`queue_alert`), which the daily digest (``shared.subscriptions.digest``) sends too.
Listed in docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from domains.reports.models import Report, StatusChange
from domains.reports.notify import public_url, queue_status_mail, report_created, report_status_changed
from kernel.notifications.services import mail_queue
from shared.subscriptions.models import Frequency, Subscription
from shared.subscriptions.selectors import alerts_for, followers
from shared.subscriptions.services import reporter_follow
from shared.subscriptions.tokens import unsubscribe_headers, unsubscribe_url


@receiver(report_status_changed, sender=Report, dispatch_uid="shared.subscriptions.receivers.followers")
def notify_followers(sender: Any, *, report: Report, change: StatusChange, **kwargs: Any) -> None:
    """A public status change or public note, to every confirmed follower."""
    for subscription in followers(report):
        url = unsubscribe_url(subscription)
        queue_status_mail(
            report,
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


@receiver(report_created, sender=Report, dispatch_uid="shared.subscriptions.receivers.created")
def report_created_follow_and_alert(sender: Any, *, report: Report, **kwargs: Any) -> None:
    reporter_follow(report)
    for subscription in alerts_for(report, frequency=Frequency.IMMEDIATE):
        queue_alert(subscription, [report], digest=False)
