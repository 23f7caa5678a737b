"""Moderation covers every free text a citizen wrote on a report: the description and the place
(``Report.place``, „Ortsbeschreibung“) — issue 25 item 7. Hidden, the place disappears from every
public output (REST, Open311, OGC API, Atom, HTML, open data); staff still see it."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from domains.reports.models import AbuseNotice
from domains.reports.services import report_moderate
from interfaces.opendata.export import export_opendata
from tests.factories import DRESDEN, make_report
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

PLACE = "Vor dem Haus von Familie Beispielname, Hinterhof"
SECRET = "Beispielname"


@pytest.fixture
def hidden(world: World):
    report = make_report(lonlat=DRESDEN, description="Müll im Hof", place=PLACE).report
    report_moderate(
        actor=world.users["caseworker_a"], public_id=report.public_id, reason="Name einer Person",
        hide_description=True,
    )  # fmt: skip
    return report


PUBLIC_URLS = [
    "/api/v1/reports/{id}/",
    "/api/v1/reports/?bbox=13.7,51.0,13.8,51.1",
    "/api/v1/reports/nearby/?lon=13.7373&lat=51.0504",
    "/open311/v2/requests/{id}.json",
    "/open311/v2/requests/{id}.xml",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/ogcapi/collections/reports/items",
    "/ogcapi/collections/reports/items/{id}",
    "/feeds/meldungen.atom",
    "/feeds/gemeinden/14612000.atom",
    "/feeds/meldungen/{id}.atom",
    "/meldungen/{id}/",
    "/meldungen/",
    "/gemeinden/14612000/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_hidden_place_is_in_no_public_answer(client, hidden, url):
    response = client.get(url.format(id=hidden.public_id))
    assert response.status_code == 200, (url, response.content[:300])
    text = response.content.decode()
    assert hidden.public_id in text  # the report itself is still listed …
    assert SECRET not in text  # … without the citizen's place text


@pytest.mark.parametrize("url", ["/api/v1/reports/{id}/", "/meldungen/{id}/", "/feeds/meldungen.atom"])
def test_a_visible_place_is_public(client, world, url):
    report = make_report(lonlat=DRESDEN, place=PLACE).report
    assert SECRET in client.get(url.format(id=report.public_id)).content.decode()


def test_hidden_place_is_in_no_open_data_file(tmp_path, settings, hidden):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    day = dt.date(2026, 12, 4)
    export_opendata(day=day)
    folder = tmp_path / "opendata" / day.isoformat()
    for name in ("meldungen-sachsen.csv", "meldungen-14612000.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        assert hidden.public_id in text and SECRET not in text
    for name in ("meldungen-sachsen.gpkg", "meldungen-14612000.gpkg"):
        dump = subprocess.run(
            ["ogrinfo", "-ro", "-al", str(folder / name)], capture_output=True, text=True, check=True
        ).stdout
        assert hidden.public_id in dump and SECRET not in dump


def test_staff_still_see_the_hidden_place_marked_as_hidden(client, hidden):
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{hidden.public_id}/").content.decode()
    assert f'{PLACE} <span class="badge">öffentlich verborgen</span>' in page


def test_showing_the_text_again_shows_the_place_again(client, world, hidden):
    report_moderate(
        actor=world.users["caseworker_a"],
        public_id=hidden.public_id,
        reason="geprüft",
        hide_description=False,
    )
    assert SECRET in client.get(f"/meldungen/{hidden.public_id}/").content.decode()


def test_a_notice_on_the_report_text_hides_the_place_too(client, world: World):
    report = make_report(lonlat=DRESDEN, place=PLACE).report
    response = client.post(
        f"/meldungen/{report.public_id}/missbrauch/",
        {"reason": "personal", "text": "Name im Ort", "email": "m@example.org", "good_faith": "on"},
    )
    assert response.status_code in (200, 302), response.content[:500]
    notice = AbuseNotice.objects.get()
    login(client, "caseworker_a")
    client.post(
        f"/verwaltung/moderation/hinweise/{notice.pk}/", {"decision": "hidden", "note": "Personenbezug"}
    )
    client.logout()
    for url in (f"/meldungen/{report.public_id}/", f"/api/v1/reports/{report.public_id}/"):
        assert SECRET not in client.get(url).content.decode(), url


def test_the_daily_alert_digest_leaves_a_hidden_place_out(client, world):
    from django.utils import timezone

    from domains.reports.models import Report
    from kernel.notifications.models import OutgoingMail
    from shared.subscriptions.digest import digest_send
    from shared.subscriptions.models import Subscription
    from shared.subscriptions.services import subscription_confirm

    email = "anwohner@example.org"
    client.post(
        "/benachrichtigungen/", {"action": "alert", "email": email, "ags": "14612000", "frequency": "daily"}
    )
    subscription_confirm(Subscription.objects.get(email=email, kind="commune"))
    shown = make_report(lonlat=DRESDEN, place="Am Spielplatz Sichtbarweg").report
    hidden = make_report(lonlat=DRESDEN, place=PLACE).report
    report_moderate(
        actor=world.users["caseworker_a"], public_id=hidden.public_id, reason="Name", hide_description=True
    )
    Report.objects.update(created=timezone.now() - dt.timedelta(days=1))
    digest_send(timezone.localdate())
    [digest] = OutgoingMail.objects.filter(kind="subscription.digest", to=email)
    assert hidden.public_id in digest.body and SECRET not in digest.body
    assert "Sichtbarweg" in digest.body and shown.public_id in digest.body
