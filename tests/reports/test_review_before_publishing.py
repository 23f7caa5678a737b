"""Checked before publishing (issue 31 item 4): a report of a category the commune (or the catalogue) has
checked first, or from a disposable-mail address, is held back from every public output until a member of
staff releases it; on release it appears everywhere and every public count grows by one."""

from __future__ import annotations

import pytest

from domains.reports.models import Category, CommuneCategorySetting, Report
from domains.reports.services.review import (
    HELD_NOTICE,
    category_reviewed,
    is_disposable_email,
    report_release,
)
from domains.reports.tiles.counts import count_differences
from kernel.core.errors import NotFound
from kernel.notifications.models import OutgoingMail
from tests.factories import DRESDEN, make_report
from tests.reports.test_internal_reports import DRESDEN_AGS, NEAR, OUTPUTS
from tests.staff_world import World

pytestmark = pytest.mark.django_db


def _review(category: str = "schlagloch", ags: str = DRESDEN_AGS, value: bool | None = True) -> None:
    CommuneCategorySetting.objects.update_or_create(
        ags=ags, category=Category.objects.get(slug=category), defaults={"review_before_publishing": value}
    )


@pytest.fixture
def pair(world: World, django_capture_on_commit_callbacks) -> tuple[Report, Report]:
    with django_capture_on_commit_callbacks(execute=True):
        shown = make_report(lonlat=DRESDEN, description="Schlagloch vor der Kreuzkirche").report
        _review()
        held = make_report(lonlat=NEAR, description="Schlagloch vor dem Haus Nr. 5").report
    assert held.held_for_review and not shown.held_for_review
    return shown, held


def _release(world: World, report: Report, capture) -> None:
    with capture(execute=True):  # the tiles are dropped after the commit
        report_release(actor=world.users["caseworker_a"], public_id=report.public_id)


@pytest.mark.parametrize("name", OUTPUTS)
def test_a_held_report_is_absent_from_every_public_output_until_released(
    client, world, pair, name, tmp_path, settings, django_capture_on_commit_callbacks
):
    shown, held = pair
    ids = [shown.public_id, held.public_id]
    output = OUTPUTS[name]
    extra = {"tmp_path": tmp_path, "settings": settings}
    before = output(client, ids, **extra)
    if before.ids is not None:
        assert before.ids == {shown.public_id}, name
    assert count_differences() == 0

    _release(world, held, django_capture_on_commit_callbacks)
    after = output(client, ids, **extra)
    if after.ids is not None:
        assert after.ids == set(ids), name
    if before.count is not None:
        assert after.count == before.count + 1, name
    assert count_differences() == 0


def test_release_is_audited_with_an_internal_history_entry_and_idempotent(world, pair):
    from kernel.organisations.models import AuditEvent

    _, held = pair
    assert "Wartet auf Freigabe" in held.history.order_by("id").last().internal_note
    report_release(actor=world.users["admin_a"], public_id=held.public_id)
    report_release(actor=world.users["admin_a"], public_id=held.public_id)  # twice: no error, no 2nd entry
    held.refresh_from_db()
    assert not held.held_for_review
    assert AuditEvent.objects.filter(action="report.release").count() == 1
    last = held.history.order_by("id").last()
    assert last.internal_note == "Zur Veröffentlichung freigegeben" and not last.public_note


@pytest.mark.parametrize(
    ("user", "error"), [("crew_a", NotFound), ("caseworker_b", NotFound), ("outsider", NotFound)]
)
def test_only_managers_of_the_report_release_it(world, pair, user, error):
    with pytest.raises(error):
        report_release(actor=world.users[user], public_id=pair[1].public_id)
    pair[1].refresh_from_db()
    assert pair[1].held_for_review


def test_commune_choice_overrides_the_catalogue_default(world):
    category = Category.objects.get(slug="schlagloch")
    assert not category_reviewed(category, DRESDEN_AGS)
    Category.objects.filter(pk=category.pk).update(review_before_publishing=True)
    category.refresh_from_db()
    assert category_reviewed(category, DRESDEN_AGS)
    assert make_report(lonlat=DRESDEN).report.held_for_review
    _review(value=False)
    assert not category_reviewed(category, DRESDEN_AGS)
    assert not make_report(lonlat=DRESDEN).report.held_for_review
    _review(value=None)  # back to the catalogue's default
    assert category_reviewed(category, DRESDEN_AGS)


@pytest.mark.parametrize(
    ("email", "held"),
    [
        ("wer@mailinator.com", True),
        ("wer@Mailinator.COM", True),
        ("wer@sub.mailinator.com", True),
        ("wer@example.org", False),
        ("", False),
    ],
)
def test_reports_from_disposable_addresses_are_held(world, email, held):
    assert is_disposable_email(email) is held if email else True
    report = make_report(lonlat=DRESDEN, email=email).report
    assert report.held_for_review is held
    if held:
        assert "Wegwerf-Adressdienst" in report.history.order_by("id").last().internal_note


def test_the_receipt_mail_says_it_is_checked_before_publishing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_report(lonlat=DRESDEN, email="wer@mailinator.com")
        make_report(lonlat=DRESDEN, email="wer@example.org")
    held = OutgoingMail.objects.get(kind="report.received", to="wer@mailinator.com")
    public = OutgoingMail.objects.get(kind="report.received", to="wer@example.org")
    assert "vor der Veröffentlichung geprüft" in held.body
    assert "vor der Veröffentlichung geprüft" not in public.body
    assert "vor der Veröffentlichung geprüft" in HELD_NOTICE


def test_a_held_report_sends_its_immediate_area_alerts_on_release(world, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from shared.subscriptions.models import Frequency, Subscription, SubscriptionKind, email_digest

    Subscription.objects.create(
        kind=SubscriptionKind.COMMUNE,
        ags=DRESDEN_AGS,
        email="nachbar@example.org",
        email_digest=email_digest("nachbar@example.org"),
        frequency=Frequency.IMMEDIATE,
        confirmed=timezone.now(),
    )
    _review()
    with django_capture_on_commit_callbacks(execute=True):
        held = make_report(lonlat=DRESDEN).report
    alerts = OutgoingMail.objects.filter(to="nachbar@example.org")
    assert alerts.count() == 0
    _release(world, held, django_capture_on_commit_callbacks)
    assert alerts.count() == 1


CHECKED = "vor der Veröffentlichung geprüft"


def test_web_form_confirmation_and_tracking_say_it_is_checked_first(client, world):
    import re

    _review()
    data = {
        "lat": "51,0504",
        "lon": "13,7373",
        "category": "schlagloch",
        "description": "Loch in der Fahrbahn",
    }
    response = client.post("/", data)
    assert response.status_code == 302
    report = Report.objects.get(description="Loch in der Fahrbahn")
    assert report.held_for_review
    html = client.get(response["Location"]).content.decode()
    assert report.public_id in html and CHECKED in html
    assert f'href="/meldungen/{report.public_id}/"' not in html  # its public page is a 404 until released
    assert client.get(f"/meldungen/{report.public_id}/").status_code == 404
    tracking = re.search(r'href="(http://testserver/meldungen/[^"]+/verfolgen/[^"]+/)"', html).group(1)
    page = client.get(tracking).content.decode()
    assert "Noch nicht öffentlich." in page and CHECKED in page


def test_rest_answer_says_it_is_checked_first(client, world):
    _review()
    body = {"category": "schlagloch", "description": "Loch", "lon": DRESDEN[0], "lat": DRESDEN[1]}
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["published"] is False and CHECKED in answer["notice"]
    assert client.get(f"/api/v1/reports/{answer['id']}/").status_code == 404
    _review(value=False)
    answer = client.post("/api/v1/reports/", body, content_type="application/json").json()
    assert answer["published"] is True and answer["notice"] == ""


def test_open311_service_notice_says_it_is_checked_first(client, world):
    body = {"service_code": "schlagloch", "lat": DRESDEN[1], "long": DRESDEN[0], "description": "Loch"}
    response = client.post("/open311/v2/requests.json", {**body, "email": "wer@mailinator.com"})
    assert response.status_code == 200, response.content
    assert CHECKED in response.json()[0]["service_notice"]
    response = client.post("/open311/v2/requests.json", {**body, "email": "wer@example.org"})
    assert CHECKED not in response.json()[0]["service_notice"]


def test_staff_queue_filter_badge_and_release_button(client, world, pair, django_capture_on_commit_callbacks):
    from tests.staff_world import login

    shown, held = pair
    login(client, "caseworker_a")
    queue = client.get("/verwaltung/?held=1").content.decode()
    assert held.public_id in queue and shown.public_id not in queue
    assert "wartet auf Freigabe" in queue and 'name="held"' in queue
    assert client.get("/verwaltung/?held=vielleicht").status_code == 200  # a German message, no 500
    page = client.get(f"/verwaltung/meldungen/{held.public_id}/").content.decode()
    assert "Freigeben" in page and f"/verwaltung/meldungen/{held.public_id}/freigeben/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/verwaltung/meldungen/{held.public_id}/freigeben/", follow=True)
    assert "Die Meldung ist freigegeben" in response.content.decode()
    held.refresh_from_db()
    assert not held.held_for_review
    assert client.get(f"/meldungen/{held.public_id}/").status_code == 200
    assert count_differences() == 0


def test_staff_api_releases_and_shows_the_flag(client, world, pair):
    _, held = pair
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_a']}"}
    url = f"/api/v1/staff/reports/{held.public_id}/"
    assert client.get(url, **auth).json()["held_for_review"] is True
    response = client.patch(url, {"release": True}, content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["held_for_review"] is False
    crew = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_b']}"}
    assert client.patch(url, {"release": True}, content_type="application/json", **crew).status_code == 404


def test_the_admin_chooses_review_per_category_on_the_settings_page(client, world):
    from kernel.organisations.models import AuditEvent
    from tests.staff_world import login

    login(client, "admin_a")
    url = "/verwaltung/einstellungen/kategorien/"
    page = client.get(url).content.decode()
    assert 'name="review"' in page and "Vorgabe (sofort)" in page
    data = {"category": "schlagloch", "enabled": "on", "review": "pruefen"}
    response = client.post(url, data, follow=True)
    assert '<option value="pruefen" selected>' in response.content.decode()
    setting = CommuneCategorySetting.objects.get(ags=DRESDEN_AGS, category__slug="schlagloch")
    assert setting.review_before_publishing is True
    assert "erst nach Prüfung" in AuditEvent.objects.filter(action="category.setting").latest("id").summary
    assert make_report(lonlat=DRESDEN).report.held_for_review
    response = client.post(url, {**data, "review": "vielleicht"}, follow=True)
    assert "Bitte wählen: Vorgabe, sofort veröffentlichen oder erst prüfen." in response.content.decode()
    client.post(url, {**data, "review": "sofort"})
    setting.refresh_from_db()
    assert setting.review_before_publishing is False
    assert not make_report(lonlat=DRESDEN).report.held_for_review


def test_reports_staff_take_for_a_caller_are_never_held(world):
    from domains.reports.services.review import HELD_FOR_CATEGORY, HELD_FOR_DISPOSABLE, hold_reason

    _review()
    category = Category.objects.get(slug="schlagloch")
    for channel in ("telefon", "vor_ort", "brief", "email"):
        assert (
            hold_reason(category=category, ags=DRESDEN_AGS, email="x@mailinator.com", channel=channel) == ""
        )
    assert hold_reason(category=category, ags=DRESDEN_AGS, email="", channel="web") == HELD_FOR_CATEGORY
    other = Category.objects.exclude(pk=category.pk).first()
    held = hold_reason(category=other, ags=DRESDEN_AGS, email="x@mailinator.com", channel="open311")
    assert held == HELD_FOR_DISPOSABLE
