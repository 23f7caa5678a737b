"""One address cannot be flooded through the subscription forms, whichever clients ask: at most one
pending confirmation per address and target, at most ``THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS`` request
mails (confirmations, management links) per address and hour. The requester always gets the same answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kernel.notifications.models import OutgoingMail
from shared.subscriptions.models import Subscription
from tests.factories import make_report

pytestmark = pytest.mark.django_db

VICTIM = "opfer@example.org"
REQUEST_MAILS = ("subscription.confirm", "subscription.manage")


def post(client, n: int, data: dict, path: str = "/benachrichtigungen/"):
    """Each request from another client address: the per-client throttle never stops the flood."""
    return client.post(path, data, REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")


def mails_to(address: str) -> int:
    return OutgoingMail.objects.filter(kind__in=REQUEST_MAILS, to__iexact=address).count()


def test_repeated_alert_requests_keep_one_pending_subscription_and_one_mail(client):
    answers = {
        post(
            client, n, {"action": "alert", "email": VICTIM.upper() if n % 2 else VICTIM, "ags": "14612000"}
        ).content
        for n in range(6)
    }
    assert len(answers) == 1
    assert Subscription.objects.filter(kind="commune").count() == 1
    assert mails_to(VICTIM) == 1


def test_one_address_gets_at_most_the_hourly_number_of_request_mails(client, settings):
    settings.THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS = 3
    reports = [make_report().report for _ in range(3)]
    first = post(client, 0, {"action": "alert", "email": VICTIM, "ags": "14612000"})
    answers = [post(client, 1, {"action": "alert", "email": VICTIM, "ags": "14713000"})]
    answers += [post(client, 2 + n, {"action": "manage", "manage-email": VICTIM}) for n in range(3)]
    for n, report in enumerate(reports):
        answers.append(post(client, 10 + n, {"email": VICTIM}, f"/meldungen/{report.public_id}/folgen/"))
    assert mails_to(VICTIM) == 3
    assert all(a.status_code == 200 for a in [first, *answers])
    assert {a.content for a in answers[1:4]} == {answers[1].content}  # the manage answers: unchanged

    post(client, 20, {"action": "alert", "email": "nachbar@example.org", "ags": "14612000"})
    assert mails_to("nachbar@example.org") == 1  # another address has its own count

    OutgoingMail.objects.update(created=timezone.now() - dt.timedelta(hours=1, minutes=1))
    post(client, 21, {"action": "manage", "manage-email": VICTIM})
    assert mails_to(VICTIM) == 4  # an hour later mails go out again


def test_api_follow_counts_against_the_same_address_limit(client, settings):
    settings.THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS = 2
    reports = [make_report().report for _ in range(3)]
    codes = [
        client.post(
            f"/api/v1/reports/{r.public_id}/follow/",
            {"email": VICTIM},
            content_type="application/json",
            REMOTE_ADDR=f"10.1.0.{n + 1}",
        ).status_code
        for n, r in enumerate(reports)
    ]
    assert codes == [202, 202, 202]
    assert mails_to(VICTIM) == 2
