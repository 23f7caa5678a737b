"""„Ist der Mangel behoben?“: due exactly once (time travel with --as-of), signed single-use links,
"Nein" reopens the report in the public history and the commune's figures."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from domains.reports.models import Questionnaire, Report, StatusChange
from domains.reports.participation.selectors import confirmation_figures
from domains.reports.selectors import commune_figures, public_history
from domains.reports.services.questionnaires import NOT_FIXED_NOTE
from kernel.notifications.daily import daily_jobs_run_due
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from tests.factories import DRESDEN, jpeg_bytes, make_report, set_status
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db
DRESDEN_AGS = "14612000"


def resolve(days_ago: int, *, email: str = "buerger@example.org") -> Report:
    report = make_report(lonlat=DRESDEN, email=email).report
    set_status(report, "resolved")
    StatusChange.objects.filter(report=report, to_status="resolved").update(
        created=timezone.now() - dt.timedelta(days=days_ago)
    )
    return report


def send(as_of: dt.date) -> str:
    out = StringIO()
    call_command("send_questionnaires", as_of=as_of.isoformat(), stdout=out)
    return out.getvalue()


def questionnaire_mails(report: Report) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="report.questionnaire", object_id=report.public_id))


def links(report: Report) -> dict[str, str]:
    body = questionnaire_mails(report)[0].body
    found = re.findall(r"https?://\S+/meldungen/\S+/behoben/(\S+)/(ja|nein)/", body)
    return {answer: f"/meldungen/{report.public_id}/behoben/{token}/{answer}/" for token, answer in found}


def test_questionnaire_is_sent_once_when_due_and_not_before(world: World):
    report = resolve(days_ago=0)
    today = timezone.localdate()
    assert "0" in send(today + dt.timedelta(days=13))
    assert questionnaire_mails(report) == []
    assert "1" in send(today + dt.timedelta(days=14))
    send(today + dt.timedelta(days=14))
    send(today + dt.timedelta(days=15))
    assert len(questionnaire_mails(report)) == 1
    assert Questionnaire.objects.filter(report=report).count() == 1
    mail = questionnaire_mails(report)[0]
    assert mail.to == "buerger@example.org"
    assert set(links(report)) == {"ja", "nein"}


def test_the_organisations_own_delay_and_no_mail_without_address(world: World):
    world.dresden.questionnaire_days = 3
    world.dresden.save()
    with_address = resolve(days_ago=3)
    without = resolve(days_ago=3, email="")
    send(timezone.localdate())
    assert len(questionnaire_mails(with_address)) == 1
    assert not Questionnaire.objects.filter(report=without).exists()


def test_reports_resolved_long_ago_are_not_asked_when_the_feature_starts(world: World):
    old = resolve(days_ago=400)
    send(timezone.localdate())
    assert questionnaire_mails(old) == []


def test_the_daily_job_runs_it(world: World):
    report = resolve(days_ago=14)
    assert daily_jobs_run_due(timezone.localdate())["send_questionnaires"] == "ran"
    assert daily_jobs_run_due(timezone.localdate())["send_questionnaires"] == "done"
    assert len(questionnaire_mails(report)) == 1


def test_yes_is_recorded_and_a_second_answer_changes_nothing(client, world: World):
    report = resolve(days_ago=14)
    send(timezone.localdate())
    url = links(report)
    assert client.get(url["ja"]).status_code == 200  # the link only shows the button
    assert Questionnaire.objects.get(report=report).answer == ""
    assert client.post(url["ja"]).status_code == 200
    assert Questionnaire.objects.get(report=report).answer == "yes"
    history = report.history.count()
    response = client.post(url["nein"], {"comment": "doch nicht"})
    assert response.status_code in (200, 409)
    report.refresh_from_db()
    assert report.status == "resolved" and report.history.count() == history
    assert Questionnaire.objects.get(report=report).answer == "yes"
    assert confirmation_figures(DRESDEN_AGS).percent == 100.0


def test_no_reopens_visibly_notifies_the_organisation_and_counts(client, world: World):
    report = resolve(days_ago=14)
    send(timezone.localdate())
    resolved_before = commune_figures(DRESDEN_AGS).resolved
    photo = ("foto.jpg", jpeg_bytes(), "image/jpeg")
    response = client.post(
        links(report)["nein"],
        {"comment": "Das Loch ist noch da.", "photo": SimpleUploadedFile(*photo)},
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == "in_review"
    last = public_history(report)[-1]
    assert last["status"] == "in_review" and last["note"] == NOT_FIXED_NOTE
    assert "Das Loch ist noch da." not in last["note"]  # the citizen's text goes to staff only
    assert report.history.last().internal_note.endswith("Das Loch ist noch da.")
    assert report.photos.count() == 1
    assert OutgoingMail.objects.filter(kind="report.not_fixed", to="maengel@dresden.example").exists()
    figures = commune_figures(DRESDEN_AGS)
    assert figures.resolved == resolved_before - 1
    assert confirmation_figures(DRESDEN_AGS).no == 1
    assert confirmation_figures(DRESDEN_AGS).percent == 0.0
    page = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert NOT_FIXED_NOTE in page
    login(client, f"sachbearbeitung-{report.organisation_id}")
    staff_page = client.get(f"/verwaltung/meldungen/{report.public_id}/").content.decode()
    assert "Antwort: <strong>Nein, nicht behoben</strong>" in staff_page
    client.logout()
    commune = client.get(f"/gemeinden/{DRESDEN_AGS}/").content.decode()
    assert "Von Meldenden bestätigt" in commune


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # changed signature
        lambda token: "x" + token,
        lambda token: "kein-token",
    ],
)
def test_a_changed_token_is_404_and_changes_nothing(client, world: World, tamper):
    report = resolve(days_ago=14)
    send(timezone.localdate())
    token = links(report)["nein"].split("/")[-3]
    url = f"/meldungen/{report.public_id}/behoben/{tamper(token)}/nein/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    report.refresh_from_db()
    assert report.status == "resolved"


def test_a_token_for_another_report_or_an_old_nonce_is_404(client, world: World):
    report, other = resolve(days_ago=14), resolve(days_ago=14)
    send(timezone.localdate())
    token = links(report)["ja"].split("/")[-3]
    assert client.get(f"/meldungen/{other.public_id}/behoben/{token}/ja/").status_code == 404
    Questionnaire.objects.filter(report=report).update(nonce="neu")  # a re-issued questionnaire
    assert client.get(links(report)["ja"]).status_code == 404


def test_links_expire_after_60_days(client, world: World):
    report = resolve(days_ago=14)
    send(timezone.localdate())
    Questionnaire.objects.filter(report=report).update(sent=timezone.now() - dt.timedelta(days=61))
    assert client.post(links(report)["nein"]).status_code == 404
    report.refresh_from_db()
    assert report.status == "resolved"


def test_an_overlong_text_is_refused_with_a_message_and_nothing_saved(client, world: World):
    report = resolve(days_ago=14)
    send(timezone.localdate())
    response = client.post(links(report)["nein"], {"comment": "x" * 2001})
    assert response.status_code == 400
    assert "höchstens 2.000 Zeichen" in response.content.decode()
    assert Questionnaire.objects.get(report=report).answer == ""
    report.refresh_from_db()
    assert report.status == "resolved"


def test_a_delivered_questionnaire_mail_keeps_no_working_link(world: World):
    report = resolve(days_ago=14)
    send(timezone.localdate())
    mail = questionnaire_mails(report)[0]
    token = links(report)["ja"].split("/")[-3]
    assert mail_send(mail.pk) == "sent"
    mail.refresh_from_db()
    assert token not in mail.body
    assert "/behoben/[entfernt]/ja/" in mail.body and "/behoben/[entfernt]/nein/" in mail.body
