"""Managing subscriptions by e-mail link, signed tokens, retention and personal-data requests, and that
staff never see subscribers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from shared.privacy.requests import personal_data_erase, personal_data_export
from shared.privacy.retention import retention_apply
from shared.subscriptions.models import Subscription
from shared.subscriptions.services import AreaRequest, area_subscribe, report_follow, subscription_confirm
from shared.subscriptions.tokens import subscription_token
from tests.factories import make_report, set_status
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

EMAIL = "anwohner@example.org"


def manage_path(mail: OutgoingMail) -> str:
    return re.search(r"(/benachrichtigungen/verwalten/\S+/)", mail.body).group(1)


def test_management_link_never_reveals_whether_an_address_is_subscribed(client):
    unknown = client.post("/benachrichtigungen/", {"action": "manage", "manage-email": "fremd@example.org"})
    area_subscribe(request=AreaRequest(email=EMAIL, ags="14612000"))
    known = client.post("/benachrichtigungen/", {"action": "manage", "manage-email": EMAIL})
    assert unknown.status_code == known.status_code == 200
    assert unknown.content == known.content
    assert not OutgoingMail.objects.filter(to="fremd@example.org").exists()
    assert OutgoingMail.objects.filter(kind="subscription.manage", to=EMAIL).count() == 1
    bad = client.post("/benachrichtigungen/", {"action": "manage", "manage-email": "nein"})
    assert bad.status_code == 400 and "gültige E-Mail-Adresse" in bad.content.decode()


def test_manage_page_lists_and_cancels_by_link(client):
    report = make_report().report
    report_follow(public_id=report.public_id, email=EMAIL)
    area = area_subscribe(request=AreaRequest(email=EMAIL, ags="14612000", frequency="daily"))
    client.post("/benachrichtigungen/", {"action": "manage", "manage-email": EMAIL})
    path = manage_path(OutgoingMail.objects.get(kind="subscription.manage"))
    page = client.get(path)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    text = page.content.decode()
    assert report.public_id in text and "neue Meldungen in Dresden" in text
    cancelled = client.post(path, {"cancel": area.pk})
    assert cancelled.status_code == 200
    area.refresh_from_db()
    assert area.unsubscribed is not None
    assert "neue Meldungen in Dresden" not in client.get(path).content.decode()
    # Someone else's subscription id, a changed token: 404.
    other = area_subscribe(request=AreaRequest(email="fremd@example.org", ags="14612000"))
    assert client.post(path, {"cancel": other.pk}).status_code == 404
    for odd in ("²", "9" * 30, "-1", ""):  # int() refuses "²"; 30 digits overflow bigint: 404, not 500
        assert client.post(path, {"cancel": odd}).status_code == 404
    assert client.get(path[:-4] + "abc/").status_code == 404


def test_tokens_are_per_purpose_and_die_with_a_resubscription(client):
    report = make_report().report
    report_follow(public_id=report.public_id, email=EMAIL)
    subscription = Subscription.objects.get(email=EMAIL)
    confirm = subscription_token(subscription, "confirm")
    assert client.get(f"/benachrichtigungen/abmelden/{confirm}/").status_code == 404  # wrong purpose
    unsubscribe = subscription_token(subscription, "unsubscribe")
    client.post(f"/benachrichtigungen/abmelden/{unsubscribe}/")
    report_follow(public_id=report.public_id, email=EMAIL)  # again: a new opt-in, new links
    assert client.get(f"/benachrichtigungen/abmelden/{unsubscribe}/").status_code == 404
    assert client.get(f"/benachrichtigungen/bestaetigen/{confirm}/").status_code == 404
    assert client.get("/benachrichtigungen/bestaetigen/1.abc:def/").status_code == 404


def test_retention_deletes_unconfirmed_after_7_days_cancelled_and_closed_reports_followers():
    report = make_report(email="melder@example.org").report  # the reporter's mails are no subscription
    report_follow(public_id=report.public_id, email=EMAIL)
    report_follow(public_id=report.public_id, email="folgt@example.org")
    subscription_confirm(Subscription.objects.get(email="folgt@example.org"))
    area_subscribe(request=AreaRequest(email="spaet@example.org", ags="14612000"))  # never confirmed
    cancelled = area_subscribe(request=AreaRequest(email="weg@example.org", ags="14612000"))
    subscription_confirm(cancelled)
    Subscription.objects.filter(pk=cancelled.pk).update(unsubscribed=timezone.now() - dt.timedelta(hours=1))
    kept = area_subscribe(request=AreaRequest(email="bleibt@example.org", ags="14612000"))
    subscription_confirm(kept)
    today = timezone.localdate()

    # The run of the next day (from its 00:00) finds the cancelled one; the pending ones are 1 day old.
    assert retention_apply(as_of=today + dt.timedelta(days=1), dry_run=True)["subscriptions"] == 1
    assert retention_apply(as_of=today + dt.timedelta(days=8))["subscriptions"] == 3  # 2 pending + cancelled
    assert set(Subscription.objects.values_list("email", flat=True)) == {
        "bleibt@example.org",
        "folgt@example.org",
    }

    set_status(report, "resolved")
    assert retention_apply(as_of=today + dt.timedelta(days=30))["subscriptions"] == 0
    assert retention_apply(as_of=today + dt.timedelta(days=91))["subscriptions"] == 1  # the follower's
    assert list(Subscription.objects.values_list("email", flat=True)) == ["bleibt@example.org"]


def test_export_and_erasure_cover_subscriptions(world: World):
    report = make_report(email=EMAIL).report
    report_follow(public_id=report.public_id, email=EMAIL)  # the reporter follows too, through the form
    area_subscribe(request=AreaRequest(email=EMAIL, ags="14713000", categories=["graffiti"]))
    data = personal_data_export(email=EMAIL)
    assert [r["reporter_status_mails"] for r in data["reports"]] == [True]
    kinds = sorted(s["type"] for s in data["subscriptions"])
    assert kinds == ["Gemeinde", "Meldung", "Mängelmeldung"]  # + the reporter's own status mails
    assert any(s.get("report") == report.public_id for s in data["subscriptions"])
    # Dresden's admin answers for Dresden only: the Leipzig commune alert is not theirs.
    dresden = personal_data_export(email=EMAIL, organisation=world.dresden, actor=world.users["admin_a"])
    assert [s["type"] for s in dresden["subscriptions"]] == ["Mängelmeldung", "Meldung"]
    assert personal_data_erase(email=EMAIL)["subscriptions"] == 2
    assert not Subscription.objects.filter(email=EMAIL).exists()


def test_staff_never_see_followers(client, world: World):
    report_follow(public_id=world.own.public_id, email=EMAIL)
    subscription_confirm(Subscription.objects.get(email=EMAIL))
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/")
    assert page.status_code == 200
    assert EMAIL not in page.content.decode()


def test_a_delivered_subscription_mail_keeps_no_working_link(client, mailoutbox):
    """Like tracking links (kernel.notifications.services.TRACKING_TOKEN): the person has the links, the stored
    copy — body and List-Unsubscribe header — does not."""
    report = make_report().report
    report_follow(public_id=report.public_id, email=EMAIL)
    [confirm] = OutgoingMail.objects.filter(kind="subscription.confirm")
    assert mail_send(confirm.pk) == "sent"
    confirm.refresh_from_db()
    assert "/benachrichtigungen/bestaetigen/[entfernt]/" in confirm.body
    assert "/bestaetigen/[entfernt]/" not in mailoutbox[0].body  # what the person received works
    subscription_confirm(Subscription.objects.get(email=EMAIL))
    set_status(report, "in_review")
    status = OutgoingMail.objects.filter(to=EMAIL).exclude(kind="subscription.confirm").latest("pk")
    unsubscribe = status.headers["List-Unsubscribe"]
    assert mail_send(status.pk) == "sent"
    status.refresh_from_db()
    assert "/benachrichtigungen/abmelden/[entfernt]/" in status.body
    assert status.headers["List-Unsubscribe"] == unsubscribe.split("/abmelden/")[0] + "/abmelden/[entfernt]/>"
    assert mailoutbox[-1].extra_headers["List-Unsubscribe"] == unsubscribe
    client.post("/benachrichtigungen/", {"action": "manage", "manage-email": EMAIL})
    manage = OutgoingMail.objects.get(kind="subscription.manage")
    assert mail_send(manage.pk) == "sent"
    manage.refresh_from_db()
    assert "/benachrichtigungen/verwalten/[entfernt]/" in manage.body
