"""Rückfrage (issue 30.3): staff ask, the reporter answers once through a signed link (text, photo), the
deadline clock stops while waiting and resumes by exactly the paused days, one reminder, staff decide."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domains.reports.models import Inquiry, Report, ReportPhoto
from domains.reports.selectors import public_history
from domains.reports.services import report_change_status
from domains.reports.services.inquiries import ANSWER_DAYS, SALT, inquiry_ask
from domains.reports.staff_selectors import overdue_condition
from kernel.core.errors import Conflict, ValidationFailed
from kernel.notifications.daily import daily_job_run_once, daily_jobs
from kernel.notifications.models import OutgoingMail
from tests.factories import DRESDEN, jpeg_bytes, make_report
from tests.staff_world import World

pytestmark = pytest.mark.django_db
EMAIL = "buerger@example.org"


def asked(world: World, *, public: bool = False, question: str = "Auf welcher Straßenseite genau?") -> Report:
    report = make_report(lonlat=DRESDEN, email=EMAIL).report
    inquiry_ask(
        actor=world.users["caseworker_a"], public_id=report.public_id, question=question, public_answer=public
    )
    report.refresh_from_db()
    return report


def mails(report: Report, kind: str) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind=kind, object_id=report.public_id).order_by("pk"))


def link(report: Report, kind: str = "report.inquiry") -> str:
    body = mails(report, kind)[-1].body
    token = re.search(r"/meldungen/\S+/rueckfrage/(\S+)/", body).group(1)
    return f"/meldungen/{report.public_id}/rueckfrage/{token}/"


def test_asking_pauses_the_case_and_mails_the_question_with_a_link(client, world: World):
    report = asked(world)
    assert report.status == "inquiry"
    assert report.clock_paused_since is not None
    mail = mails(report, "report.inquiry")[0]
    assert mail.to == EMAIL and "Auf welcher Straßenseite genau?" in mail.body
    assert mails(report, "report.status") == []  # the question is the reporter's mail, no second one
    page = client.get(link(report))
    assert page.status_code == 200
    assert "Auf welcher Straßenseite genau?" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert Inquiry.objects.get(report=report).answered is None  # the link only shows the form
    # Open311 and the public page show it as open, labelled „Rückfrage“.
    assert Report.workflow.open311_status(report.status) == "open"
    open311 = client.get(f"/open311/v2/requests/{report.public_id}.json").json()
    assert open311[0]["status"] == "open"
    public = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "Rückfrage" in public and "so lange ruht die Bearbeitungsfrist" in public
    assert "Auf welcher Straßenseite" not in public  # the question itself is staff's mail to the reporter


def test_no_question_without_the_reporters_address(world: World):
    report = make_report(lonlat=DRESDEN, email="").report
    with pytest.raises(ValidationFailed) as exc:
        inquiry_ask(actor=world.users["caseworker_a"], public_id=report.public_id, question="Wo?")
    assert "keine E-Mail-Adresse" in exc.value.errors["question"][0]
    report.refresh_from_db()
    assert report.status == "submitted" and not Inquiry.objects.exists()
    assert OutgoingMail.objects.filter(kind="report.inquiry").count() == 0


def test_a_second_question_while_one_is_open_and_the_generic_status_move_are_refused(world: World):
    report = asked(world)
    with pytest.raises(Conflict):
        inquiry_ask(actor=world.users["caseworker_a"], public_id=report.public_id, question="Noch was?")
    other = make_report(lonlat=DRESDEN, email=EMAIL).report
    with pytest.raises(ValidationFailed):
        report_change_status(actor=world.users["caseworker_a"], public_id=other.public_id, status="inquiry")
    assert Inquiry.objects.count() == 1


def test_the_answer_ends_the_pause_moves_due_by_exactly_the_paused_days_and_tells_staff(client, world: World):
    report = asked(world, public=True)
    due = report.due
    assert due is not None
    # The question went out four days ago (both timestamps moved, as time travel).
    paused = timezone.now() - dt.timedelta(days=4)
    Report.objects.filter(pk=report.pk).update(clock_paused_since=paused)
    Inquiry.objects.filter(report=report).update(asked=paused)
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(link(report), {"answer": "Auf der Nordseite, vor Nr. 12.", "photo": photo})
    assert response.status_code == 200, response.content.decode()
    report.refresh_from_db()
    assert report.status == "in_review"
    assert report.clock_paused_since is None
    assert report.due - due == dt.timedelta(days=4)
    inquiry = Inquiry.objects.get(report=report)
    assert inquiry.answer == "Auf der Nordseite, vor Nr. 12." and inquiry.answer_photo is not None
    assert not inquiry.answer_photo.hidden  # staff chose a public answer
    notes = [h["note"] for h in public_history(report)]
    assert any("Auf der Nordseite, vor Nr. 12." in n for n in notes)
    staff_mail = mails(report, "report.inquiry_answered")[0]
    assert "Auf der Nordseite" in staff_mail.body and staff_mail.to != EMAIL


def test_an_internal_answer_stays_out_of_the_public_history(client, world: World):
    report = asked(world, public=False)
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert client.post(link(report), {"answer": "Privat: mein Nachbar", "photo": photo}).status_code == 200
    report.refresh_from_db()
    assert not any("Nachbar" in h["note"] for h in public_history(report))
    assert any("Nachbar" in h.internal_note for h in report.history.all())
    assert Inquiry.objects.get(report=report).answer_photo.hidden
    assert "Nachbar" not in client.get(f"/meldungen/{report.public_id}/").content.decode()


def test_a_used_link_answers_once(client, world: World):
    report = asked(world)
    url = link(report)
    assert client.post(url, {"answer": "Erste Antwort"}).status_code == 200
    history = report.history.count()
    response = client.post(url, {"answer": "Zweite Antwort"})
    assert response.status_code == 409
    assert "schon beantwortet" in response.content.decode()
    assert report.history.count() == history
    assert Inquiry.objects.get(report=report).answer == "Erste Antwort"


@pytest.mark.parametrize("damage", ["tampered", "foreign", "expired"])
def test_a_tampered_foreign_or_expired_link_is_refused_and_saves_nothing(client, world: World, damage):
    report = asked(world)
    url = link(report)
    if damage == "tampered":
        url = url.replace("/rueckfrage/", "/rueckfrage/x")
    elif damage == "foreign":
        other = make_report(lonlat=DRESDEN, email=EMAIL).report
        url = url.replace(report.public_id, other.public_id)
    else:
        Inquiry.objects.filter(report=report).update(
            asked=timezone.now() - dt.timedelta(days=ANSWER_DAYS, minutes=1)
        )
    response = client.post(url, {"answer": "Hallo"})
    assert response.status_code == 404
    assert "ungültig oder abgelaufen" in response.content.decode()
    inquiry = Inquiry.objects.get(report=report)
    assert inquiry.answer == "" and inquiry.answered is None
    report.refresh_from_db()
    assert report.status == "inquiry"


def test_a_forged_token_for_the_right_inquiry_without_its_nonce_is_refused(client, world: World):
    report = asked(world)
    inquiry = Inquiry.objects.get(report=report)
    forged = signing.dumps([inquiry.pk, "geraten"], salt=SALT)
    assert client.get(f"/meldungen/{report.public_id}/rueckfrage/{forged}/").status_code == 404


def test_a_file_that_is_not_an_image_is_refused_in_german_and_nothing_is_saved(client, world: World):
    report = asked(world)
    history, photos = report.history.count(), ReportPhoto.objects.count()
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 kein Bild", content_type="image/jpeg")
    response = client.post(link(report), {"answer": "Siehe Foto", "photo": fake})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in page and "kein unterstütztes Foto" in page
    assert Inquiry.objects.get(report=report).answered is None
    assert report.history.count() == history and ReportPhoto.objects.count() == photos
    report.refresh_from_db()
    assert report.status == "inquiry"


def test_an_empty_answer_is_refused(client, world: World):
    report = asked(world)
    response = client.post(link(report), {"answer": "  "})
    assert response.status_code == 400
    assert "Bitte schreiben Sie Ihre Antwort." in response.content.decode()


def test_staff_moving_on_ends_the_pause_closes_the_link_and_resumes_the_clock(client, world: World):
    report = asked(world)
    due = report.due
    paused = timezone.now() - dt.timedelta(days=6)
    Report.objects.filter(pk=report.pk).update(clock_paused_since=paused)
    report_change_status(actor=world.users["caseworker_a"], public_id=report.public_id, status="in_progress")
    report.refresh_from_db()
    assert report.status == "in_progress" and report.clock_paused_since is None
    assert report.due - due == dt.timedelta(days=6)
    assert Inquiry.objects.get(report=report).closed is not None
    response = client.post(link(report), {"answer": "Zu spät"})
    assert response.status_code == 409 and "nicht mehr offen" in response.content.decode()
    assert Inquiry.objects.get(report=report).answered is None


def test_a_paused_case_is_not_overdue(world: World):
    report = asked(world)
    Report.objects.filter(pk=report.pk).update(due=timezone.now() - dt.timedelta(days=1))
    assert not Report.objects.filter(overdue_condition(), pk=report.pk).exists()
    report_change_status(actor=world.users["caseworker_a"], public_id=report.public_id, status="in_review")
    assert Report.objects.filter(overdue_condition(), pk=report.pk).exists()


def test_one_reminder_after_the_organisations_days_exactly_once(world: World):
    world.dresden.inquiry_reminder_days = 3
    world.dresden.save()
    report = asked(world)
    job = daily_jobs()["remind_inquiries"]
    today = timezone.localdate()
    Inquiry.objects.filter(report=report).update(asked=timezone.now() - dt.timedelta(days=2))
    assert daily_job_run_once(name="remind_inquiries", job=job, day=today) == "ran"
    assert mails(report, "report.inquiry_reminder") == []
    Inquiry.objects.filter(report=report).update(asked=timezone.now() - dt.timedelta(days=3, minutes=1))
    tomorrow = today + dt.timedelta(days=1)
    assert daily_job_run_once(name="remind_inquiries", job=job, day=tomorrow) == "ran"
    assert daily_job_run_once(name="remind_inquiries", job=job, day=tomorrow) == "done"
    assert daily_job_run_once(name="remind_inquiries", job=job, day=tomorrow + dt.timedelta(days=1)) == "ran"
    reminders = mails(report, "report.inquiry_reminder")
    assert len(reminders) == 1
    assert reminders[0].to == EMAIL and "Erinnerung" in reminders[0].subject
    assert Inquiry.objects.get(report=report).reminded is not None
    # The reminder's link is the same working link; the case still waits in Rückfrage.
    report.refresh_from_db()
    assert report.status == "inquiry"


def test_no_reminder_after_an_answer(client, world: World):
    report = asked(world)
    client.post(link(report), {"answer": "Erledigt"})
    Inquiry.objects.filter(report=report).update(asked=timezone.now() - dt.timedelta(days=10))
    job = daily_jobs()["remind_inquiries"]
    daily_job_run_once(name="remind_inquiries", job=job, day=timezone.localdate())
    assert mails(report, "report.inquiry_reminder") == []


def test_marking_a_waiting_case_as_duplicate_ends_the_pause_too(world: World):
    from domains.reports.services import report_mark_duplicate

    report = asked(world)
    due = report.due
    Report.objects.filter(pk=report.pk).update(clock_paused_since=timezone.now() - dt.timedelta(days=2))
    report_mark_duplicate(
        actor=world.users["caseworker_a"], public_id=report.public_id, original_id=world.own.public_id
    )
    report.refresh_from_db()
    assert report.status == "duplicate" and report.clock_paused_since is None
    assert report.due - due == dt.timedelta(days=2)
    assert Inquiry.objects.get(report=report).closed is not None


def test_an_answer_after_any_move_out_is_refused_and_saves_nothing(world: World):
    from domains.reports.services.inquiries import inquiry_answer

    report = asked(world)
    inquiry = Inquiry.objects.get(report=report)
    Report.objects.filter(pk=report.pk).update(status="in_review")  # a write that bypassed the services
    with pytest.raises(Conflict):
        inquiry_answer(inquiry_id=inquiry.pk, text="Hallo")
    inquiry.refresh_from_db()
    assert inquiry.answered is None and inquiry.answer == ""


def test_the_answer_link_is_removed_from_the_stored_mail_once_delivered(world: World):
    from kernel.notifications.services import mail_send

    report = asked(world)
    mail = mails(report, "report.inquiry")[0]
    token = link(report).split("/")[-2]
    assert mail_send(mail.pk) == "sent"
    mail.refresh_from_db()
    assert token not in mail.body and "/rueckfrage/[entfernt]/" in mail.body


def test_the_reporters_tracking_page_offers_the_open_question(client, world: World):
    created = make_report(lonlat=DRESDEN, email=EMAIL)
    report = created.report
    track = f"/meldungen/{report.public_id}/verfolgen/{created.tracking_token}/"
    assert "Frage ansehen und beantworten" not in client.get(track).content.decode()
    inquiry_ask(actor=world.users["caseworker_a"], public_id=report.public_id, question="Welche Seite?")
    page = client.get(track).content.decode()
    assert "Frage ansehen und beantworten" in page and link(report) in page
    assert "Frage ansehen" not in client.get(f"/meldungen/{report.public_id}/").content.decode()
    client.post(link(report), {"answer": "Links"})
    assert "Frage ansehen und beantworten" not in client.get(track).content.decode()


def test_in_working_day_mode_the_pause_gives_back_working_days_only(world: World):
    """Issue 30.5 with 30.3: a category counted in working days gets back the working days it waited
    (weekends and Saxony's holidays not), ending on a working day."""
    from kernel.cases.deadlines import DeadlineUnit
    from kernel.core.workdays import add_working_days, is_working_day, working_days_between

    report = asked(world)
    report.category.default_sla_unit = DeadlineUnit.WORKING
    report.category.save(update_fields=["default_sla_unit"])
    # Due on a working day, ten days after a pause that began a fortnight ago (time travel).
    today = timezone.localdate()
    due_day = add_working_days(today, 3)
    due = timezone.make_aware(dt.datetime.combine(due_day, dt.time(23, 59, 59)))
    paused = timezone.now() - dt.timedelta(days=14)
    Report.objects.filter(pk=report.pk).update(clock_paused_since=paused, due=due)
    report_change_status(actor=world.users["caseworker_a"], public_id=report.public_id, status="in_progress")
    report.refresh_from_db()
    waited = working_days_between(timezone.localdate(paused), today)
    assert 8 <= waited <= 10  # two weeks hold ten working days, less any holiday
    new_day = timezone.localdate(report.due)
    assert new_day == add_working_days(due_day, waited)
    assert is_working_day(new_day) and (new_day - due_day).days > waited  # the weekends are not given back
