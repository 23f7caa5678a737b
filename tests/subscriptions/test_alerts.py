"""Area and commune alerts: the form without JavaScript, its refusals, immediate mails, the daily digest
(exactly once per day through kernel.notifications.daily), and the API's follow endpoint."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from domains.reports.models import Report
from kernel.notifications.daily import daily_jobs_run_due
from kernel.notifications.models import OutgoingMail
from shared.http.throttling import SubscribeThrottle
from shared.subscriptions.models import Subscription
from shared.subscriptions.services import subscription_confirm
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db

EMAIL = "anwohner@example.org"


def square(lon: float, lat: float, half_deg: float) -> str:
    """A GeoJSON square around (lon, lat) in WGS84; 0.005° ≈ 350 m (north-south) around Dresden."""
    ring = [
        [lon - half_deg, lat - half_deg],
        [lon + half_deg, lat - half_deg],
        [lon + half_deg, lat + half_deg],
        [lon - half_deg, lat + half_deg],
        [lon - half_deg, lat - half_deg],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def subscribe(client, **fields) -> object:
    return client.post("/benachrichtigungen/", {"action": "alert", "email": EMAIL, **fields})


def confirmed(**filters) -> Subscription:
    subscription = Subscription.objects.get(email=EMAIL, **filters)
    subscription_confirm(subscription)
    return subscription


def test_area_alert_is_pending_until_confirmed_then_mails_each_new_report_inside(client):
    response = subscribe(client, area=square(*DRESDEN, 0.005))
    assert response.status_code == 200
    assert OutgoingMail.objects.filter(kind="subscription.confirm", to=EMAIL).count() == 1
    make_report(lonlat=DRESDEN)
    assert not OutgoingMail.objects.filter(kind="subscription.alert").exists()  # not confirmed yet

    subscription = confirmed(kind="area")
    assert subscription.area.srid == 25833
    inside = make_report(lonlat=DRESDEN).report
    make_report(lonlat=(DRESDEN[0] + 0.02, DRESDEN[1]))  # ~1.4 km east: outside
    alerts = OutgoingMail.objects.filter(kind="subscription.alert", to=EMAIL)
    assert [m.object_id for m in alerts] == [str(subscription.pk)]
    assert inside.public_id in alerts[0].subject
    assert alerts[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/benachrichtigungen/abmelden/" in alerts[0].headers["List-Unsubscribe"]
    assert "/benachrichtigungen/abmelden/" in alerts[0].body


def test_commune_alert_only_for_chosen_categories(client):
    assert subscribe(client, ags="14612000", categories=["strassenlaterne"]).status_code == 200
    confirmed(kind="commune")
    make_report(lonlat=DRESDEN, category="schlagloch")
    make_report(lonlat=LEIPZIG, category="strassenlaterne")
    assert not OutgoingMail.objects.filter(kind="subscription.alert").exists()
    wanted = make_report(lonlat=DRESDEN, category="strassenlaterne").report
    alerts = OutgoingMail.objects.filter(kind="subscription.alert", to=EMAIL)
    assert len(alerts) == 1 and wanted.public_id in alerts[0].subject


def test_daily_digest_lists_yesterdays_reports_exactly_once(client):
    subscribe(client, ags="14612000", frequency="daily")
    confirmed(kind="commune")
    first = make_report(lonlat=DRESDEN).report
    second = make_report(lonlat=DRESDEN).report
    make_report(lonlat=LEIPZIG)
    assert not OutgoingMail.objects.filter(kind="subscription.alert").exists()  # daily: nothing at once
    yesterday = timezone.now() - dt.timedelta(days=1)
    Report.objects.update(created=yesterday)
    today = timezone.localdate()

    assert daily_jobs_run_due(today)["subscription_digest"] == "ran"
    assert daily_jobs_run_due(today)["subscription_digest"] == "done"  # a second run sends nothing
    digests = OutgoingMail.objects.filter(kind="subscription.digest", to=EMAIL)
    assert len(digests) == 1
    assert first.public_id in digests[0].body and second.public_id in digests[0].body
    assert digests[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The next day has nothing new: no empty digest.
    daily_jobs_run_due(today + dt.timedelta(days=1))
    assert OutgoingMail.objects.filter(kind="subscription.digest").count() == 1


def test_area_over_100_km2_is_refused_in_german_and_nothing_is_stored(client):
    response = subscribe(client, area=square(*DRESDEN, 0.1))  # ~15 km × 22 km
    assert response.status_code == 400
    text = response.content.decode()
    assert "erlaubt sind höchstens 100 km²" in text
    assert not Subscription.objects.exists() and not OutgoingMail.objects.filter(to=EMAIL).exists()


@pytest.mark.parametrize(
    "area",
    [
        "{kein json",
        '{"type": "Point", "coordinates": [13.7, 51.0]}',
        '{"type": "Polygon", "coordinates": [[[13.7, 51.0], [13.71, 51.0], [13.7, 51.01]]]}',
        '{"type": "Polygon", "coordinates": [[[13.70,51.00],[13.71,51.01],[13.71,51.00],[13.70,51.01],[13.70,51.00]]]}',
    ],
)
def test_bad_geojson_is_a_400_with_a_message(client, area):
    response = subscribe(client, area=area)
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()
    assert not Subscription.objects.exists()


def test_other_refusals_name_the_field(client):
    text = subscribe(client, ags="99999999", email="keine-adresse").content.decode()
    assert "Bitte eine gültige E-Mail-Adresse angeben." in text
    assert "Bitte eine sächsische Gemeinde aus der Liste wählen." in text
    assert "Bitte eine Gemeinde wählen oder ein Gebiet zeichnen." in subscribe(client).content.decode()
    outside = subscribe(client, area=square(11.0, 48.0, 0.005))  # Bavaria
    assert "Das Gebiet liegt nicht in Sachsen." in outside.content.decode()
    assert not Subscription.objects.exists()


def test_api_follow_answers_the_same_and_sends_one_confirmation(client):
    report = make_report().report
    url = f"/api/v1/reports/{report.public_id}/follow/"
    first = client.post(url, {"email": EMAIL}, content_type="application/json")
    again = client.post(url, {"email": EMAIL.upper()}, content_type="application/json")
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert (
        OutgoingMail.objects.filter(kind="subscription.confirm").count() == 1
    )  # not re-sent within the hour
    assert client.post(url, {"email": "x"}, content_type="application/json").status_code == 400
    assert client.post(url, {"email": ["a@b.de"]}, content_type="application/json").status_code == 400
    missing = client.post(
        "/api/v1/reports/SN-AAAA-AA/follow/", {"email": EMAIL}, content_type="application/json"
    )
    assert missing.status_code == 404


def test_api_follow_and_the_pages_share_one_throttle(client, monkeypatch):
    monkeypatch.setattr(SubscribeThrottle, "THROTTLE_RATES", {"subscribe": "3/hour"})
    report = make_report().report
    url = f"/api/v1/reports/{report.public_id}/follow/"
    codes = [
        client.post(url, {"email": f"p{i}@example.org"}, content_type="application/json").status_code
        for i in range(2)
    ]
    codes.append(subscribe(client, ags="14612000").status_code)
    codes.append(client.post(url, {"email": "p9@example.org"}, content_type="application/json").status_code)
    assert codes == [202, 202, 200, 429]
    assert subscribe(client, ags="14612000").status_code == 429
    assert "/api/v1/reports/{public_id}/follow/" in client.get("/api/schema/").content.decode()
