"""Report deadlines in working or calendar days (issue #30 item 5): the rule a report gets, the commune's
setting page, the pause extension, and the due date on the queue, the crew's phone and the citizen pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from domains.reports.deadlines import deadline_rule, report_due_after_pause
from domains.reports.models import Category, CommuneCategorySetting, Report
from domains.reports.services.creating import _due
from kernel.cases.deadlines import DeadlineUnit
from kernel.cases.tracking import tracking_token
from kernel.core.workdays import add_working_days
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.factories import make_report, set_status
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
DRESDEN_AGS = "14612000"
TUESDAY_17_NOV = dt.datetime(2026, 11, 17, 10, 15, tzinfo=BERLIN)
MONDAY_23_NOV_END = dt.datetime(2026, 11, 23, 23, 59, 59, 999999, tzinfo=BERLIN)


def pothole() -> Category:
    return Category.objects.get(slug="schlagloch")


def test_a_category_in_working_days_gives_the_issue_example(db):
    Category.objects.filter(slug="schlagloch").update(
        default_sla_days=3, default_sla_unit=DeadlineUnit.WORKING
    )
    assert _due(pothole(), DRESDEN_AGS, TUESDAY_17_NOV) == MONDAY_23_NOV_END


def test_calendar_days_stay_the_default_and_end_at_the_end_of_the_day(db):
    category = pothole()
    assert category.default_sla_unit == DeadlineUnit.CALENDAR
    due = _due(category, DRESDEN_AGS, TUESDAY_17_NOV)
    last_day = dt.date(2026, 11, 17) + dt.timedelta(days=category.default_sla_days)  # weekends count
    assert due == dt.datetime.combine(last_day, dt.time.max, tzinfo=BERLIN)


def test_the_communes_own_deadline_and_unit_win_over_the_catalogue(db):
    CommuneCategorySetting.objects.create(
        ags=DRESDEN_AGS, category=pothole(), sla_days=3, sla_unit=DeadlineUnit.WORKING
    )
    assert _due(pothole(), DRESDEN_AGS, TUESDAY_17_NOV) == MONDAY_23_NOV_END
    # Leipzig has no setting: the catalogue's calendar days.
    assert _due(pothole(), "14713000", TUESDAY_17_NOV).date() == dt.date(2026, 12, 1)


def test_a_setting_without_own_days_keeps_the_catalogue_rule(db):
    CommuneCategorySetting.objects.create(
        ags=DRESDEN_AGS, category=pothole(), enabled=True, sla_days=None, sla_unit=DeadlineUnit.WORKING
    )
    rule = deadline_rule(pothole(), DRESDEN_AGS)
    assert (rule.days, rule.unit, rule.label) == (14, DeadlineUnit.CALENDAR, "14 Kalendertage")


def test_a_new_report_gets_the_due_date_of_its_rule(db):
    CommuneCategorySetting.objects.create(
        ags=DRESDEN_AGS, category=pothole(), sla_days=2, sla_unit=DeadlineUnit.WORKING
    )
    report = make_report().report
    created = timezone.localtime(report.created, BERLIN)
    due = timezone.localtime(report.due, BERLIN)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    assert created.date() < due.date() <= created.date() + dt.timedelta(days=6)
    assert due.weekday() < 5


def test_the_rueckfrage_pause_is_added_back_in_the_unit_of_the_rule(db):
    CommuneCategorySetting.objects.create(
        ags=DRESDEN_AGS, category=pothole(), sla_days=3, sla_unit=DeadlineUnit.WORKING
    )
    report = make_report().report
    Report.objects.filter(pk=report.pk).update(due=MONDAY_23_NOV_END)
    report.refresh_from_db()
    # Waiting for the reporter from Thursday 19 to Monday 23 November: Fri 20 and Mon 23 lost.
    extended = report_due_after_pause(
        report,
        paused_from=dt.datetime(2026, 11, 19, 9, tzinfo=BERLIN),
        paused_until=dt.datetime(2026, 11, 23, 8, tzinfo=BERLIN),
    )
    assert extended == dt.datetime(2026, 11, 25, 23, 59, 59, 999999, tzinfo=BERLIN)
    CommuneCategorySetting.objects.filter(ags=DRESDEN_AGS).update(sla_unit=DeadlineUnit.CALENDAR)
    extended = report_due_after_pause(
        report,
        paused_from=dt.datetime(2026, 11, 19, 9, tzinfo=BERLIN),
        paused_until=dt.datetime(2026, 11, 23, 8, tzinfo=BERLIN),
    )
    assert extended.date() == dt.date(2026, 11, 27)


# --- the commune's settings page ---------------------------------------------------------------------


def test_the_admin_sets_working_days_on_the_category_page(client, world: World):
    login(client, "admin_a")
    page = client.get("/verwaltung/einstellungen/kategorien/").content.decode()
    assert 'name="sla_unit"' in page and "Vorgabe: 14 Kalendertage" in page
    data = {"category": "schlagloch", "enabled": "on", "sla_days": "3", "sla_unit": "working"}
    response = client.post("/verwaltung/einstellungen/kategorien/", data, follow=True)
    assert "„Schlagloch“ gespeichert." in [str(m) for m in response.context["messages"]]
    setting = CommuneCategorySetting.objects.get(ags=DRESDEN_AGS, category__slug="schlagloch")
    assert (setting.sla_days, setting.sla_unit) == (3, DeadlineUnit.WORKING)
    event = AuditEvent.objects.filter(action="category.setting").latest("id")
    assert "Frist 3 Arbeitstage" in event.summary
    page = response.content.decode()
    assert '<option value="working" selected>Arbeitstage</option>' in page


def test_an_unknown_unit_is_a_german_message_and_nothing_is_saved(client, world: World):
    login(client, "admin_a")
    data = {"category": "schlagloch", "enabled": "on", "sla_days": "3", "sla_unit": "wochen"}
    response = client.post("/verwaltung/einstellungen/kategorien/", data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Bitte als Fristart Arbeitstage oder Kalendertage wählen." in messages
    assert not CommuneCategorySetting.objects.filter(ags=DRESDEN_AGS, category__slug="schlagloch").exists()


def test_an_old_form_without_unit_saves_calendar_days(client, world: World):
    login(client, "admin_a")
    data = {"category": "schlagloch", "enabled": "on", "sla_days": "5"}
    client.post("/verwaltung/einstellungen/kategorien/", data)
    setting = CommuneCategorySetting.objects.get(ags=DRESDEN_AGS, category__slug="schlagloch")
    assert (setting.sla_days, setting.sla_unit) == (5, DeadlineUnit.CALENDAR)


# --- where the due date shows ----------------------------------------------------------------------


def due_on(report: Report, moment: dt.datetime) -> Report:
    Report.objects.filter(pk=report.pk).update(due=moment)
    report.refresh_from_db()
    return report


def test_the_public_page_and_the_tracking_page_say_when_we_answer(client, db):
    monday = dt.datetime(2027, 11, 22, 23, 59, 59, 999999, tzinfo=BERLIN)  # ahead of the test's today
    report = due_on(make_report().report, monday)
    public = client.get(f"/meldungen/{report.public_id}/").content.decode()
    token = tracking_token(Report, report.public_id)
    tracking = client.get(f"/meldungen/{report.public_id}/verfolgen/{token}/").content.decode()
    english = client.get(f"/meldungen/{report.public_id}/?lang=en").content.decode()
    sentence = 'Wir melden uns bis <time datetime="2027-11-22">Montag, 22. November 2027</time>.'
    assert sentence in public and sentence in tracking
    assert (
        'We will get back to you by <time datetime="2027-11-22">Monday, 22 November 2027</time>.' in english
    )


def test_an_overdue_report_says_so_honestly_and_a_closed_one_says_nothing(client, db):
    report = due_on(make_report().report, timezone.now() - dt.timedelta(days=2))
    html = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "Wir wollten uns bis" in html and "als überfällig vermerkt" in html
    assert "Wir melden uns bis" not in html
    set_status(report, "resolved")
    html = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "Wir melden uns" not in html and "Wir wollten uns" not in html


def test_the_queue_shows_the_due_date_and_marks_overdue(client, world: World):
    due_on(world.own, dt.datetime(2036, 11, 20, 23, 59, 59, 999999, tzinfo=BERLIN))  # a Thursday
    due_on(world.own_unassigned, timezone.now() - dt.timedelta(hours=1))
    login(client, "caseworker_a")
    html = client.get("/verwaltung/").content.decode()

    def row(report: Report) -> str:
        return html.split(f">{report.public_id}</a></td>", 1)[1].split("</tr>", 1)[0]

    assert '<time datetime="2036-11-20">Do 20.11.2036</time>' in row(world.own)
    assert "(überfällig)" not in row(world.own)
    assert "(überfällig)" in row(world.own_unassigned)


def test_the_crews_phone_shows_the_due_date_in_the_list_and_on_the_job(client, world: World):
    due_on(world.own, dt.datetime(2036, 11, 24, 23, 59, 59, 999999, tzinfo=BERLIN))  # a Monday
    login(client, "crew_a")
    jobs = client.get("/bauhof/").content.decode()
    assert 'fällig <time datetime="2036-11-24">Mo 24.11.</time>' in jobs and "(überfällig)" not in jobs
    job = client.get(f"/bauhof/auftraege/{world.own.public_id}/").content.decode()
    assert 'Fällig bis <time datetime="2036-11-24">Montag, 24. November 2036</time>' in job
    assert "überfällig" not in job
    due_on(world.own, timezone.now() - dt.timedelta(minutes=5))
    assert "(überfällig)" in client.get("/bauhof/").content.decode()
    assert (
        "<strong>überfällig</strong>"
        in client.get(f"/bauhof/auftraege/{world.own.public_id}/").content.decode()
    )


def test_the_confirmation_after_submitting_says_when_we_answer(client, db):
    CommuneCategorySetting.objects.create(
        ags=DRESDEN_AGS, category=pothole(), sla_days=3, sla_unit=DeadlineUnit.WORKING
    )
    data = {
        "lat": "51,0504",
        "lon": "13,7373",
        "category": "schlagloch",
        "description": "Loch in der Fahrbahn",
    }
    response = client.post("/", data)
    report = Report.objects.get()
    html = client.get(response["Location"]).content.decode()
    due = timezone.localtime(report.due, BERLIN)
    assert due.date() == add_working_days(timezone.localtime(report.created, BERLIN).date(), 3)
    long_date = f"{GERMAN_WEEKDAYS[due.weekday()]}, {due.day}. {GERMAN_MONTHS[due.month - 1]} {due.year}"
    assert f'Wir melden uns bis <time datetime="{due:%Y-%m-%d}">{long_date}</time>.' in html


GERMAN_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
GERMAN_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()


def test_the_receipt_mail_says_when_we_answer(client, db):
    data = {
        "lat": "51,0504",
        "lon": "13,7373",
        "category": "schlagloch",
        "description": "Loch",
        "email": "q@example.org",
    }
    client.post("/", data)
    report = Report.objects.get()
    mail = OutgoingMail.objects.get(kind="report.received")
    due = timezone.localtime(report.due, BERLIN)
    long_date = f"{GERMAN_WEEKDAYS[due.weekday()]}, {due.day}. {GERMAN_MONTHS[due.month - 1]} {due.year}"
    assert f"prüft sie.\nWir melden uns bis {long_date}.\n" in mail.body


def test_the_caseworkers_report_page_shows_the_due_date_and_marks_overdue(client, world: World):
    due_on(world.own, dt.datetime(2036, 11, 20, 23, 59, 59, 999999, tzinfo=BERLIN))
    login(client, "caseworker_a")
    html = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    assert '<dt>Fällig</dt><dd><time datetime="2036-11-20">Do 20.11.2036</time></dd>' in html
    due_on(world.own, timezone.now() - dt.timedelta(minutes=1))
    html = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    assert '<strong class="overdue">(überfällig)</strong></dd>' in html
