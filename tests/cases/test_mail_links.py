"""Links in mails (tracking, public page, staff page, the reporter's stop link, subscription links) are built with ``reverse()``
from the URL names of ``web``/``staff``, so moving a page moves every link to it."""

from __future__ import annotations

import pytest

from domains.permits.models import ParkingPermit
from domains.permits.services import parking_apply
from domains.reports.notify import public_url
from domains.reports.participation.models import Questionnaire
from domains.reports.services.questionnaires import questionnaire_url
from domains.reports.status_mails import status_mails_stop_url
from kernel.cases.tracking import tracking_token, tracking_url
from kernel.notifications.models import OutgoingMail
from shared.subscriptions.models import Subscription
from shared.subscriptions.services import report_follow
from shared.subscriptions.tokens import confirm_url, manage_url, unsubscribe_url
from tests.factories import make_report

pytestmark = pytest.mark.django_db

SITE = "https://maengel.example.de"


@pytest.fixture
def moved(settings):
    settings.ROOT_URLCONF = "tests.moved_urls"
    settings.SITE_URL = SITE


def test_report_links_follow_the_url_names(moved, world):  # world: Dresden has an address
    report = make_report(email="melder@example.org").report
    token = tracking_token(type(report), report.public_id)
    assert tracking_url(report) == f"{SITE}/neu/meldungen/{report.public_id}/verfolgen/{token}/"
    assert public_url(report) == f"{SITE}/neu/meldungen/{report.public_id}/"
    assert status_mails_stop_url(report).startswith(
        f"{SITE}/neu/meldungen/{report.public_id}/statusmails/abmelden/"
    )
    new = OutgoingMail.objects.get(kind="report.new", object_id=report.public_id)
    assert f"{SITE}/neu/verwaltung/meldungen/{report.public_id}/" in new.body


def test_subscription_links_follow_the_url_names(moved):
    report = make_report().report
    report_follow(public_id=report.public_id, email="folgt@example.org")
    follow = Subscription.objects.get(report=report)
    assert unsubscribe_url(follow).startswith(f"{SITE}/neu/benachrichtigungen/abmelden/")
    assert confirm_url(follow).startswith(f"{SITE}/neu/benachrichtigungen/bestaetigen/")
    assert manage_url(follow.email_digest).startswith(f"{SITE}/neu/benachrichtigungen/verwalten/")


def test_parking_tracking_link_follows_the_url_name(moved):
    permit = parking_apply(
        lon=13.7550,
        lat=51.0670,
        licence_plate="DD-QZ 78",
        name="Rita Rad",
        email="rita@example.org",
        address="Alaunstraße 1",
    ).permit
    token = tracking_token(ParkingPermit, permit.public_id)
    assert tracking_url(permit) == f"{SITE}/neu/parkausweis/{permit.public_id}/verfolgen/{token}/"


def test_questionnaire_link_follows_the_url_name(moved):
    report = make_report(email="melder@example.org").report
    questionnaire = Questionnaire(pk=7, report=report, nonce="n0nce")  # the link needs no stored row
    assert questionnaire_url(questionnaire, "ja").startswith(
        f"{SITE}/neu/meldungen/{report.public_id}/behoben/"
    )
