"""``manage.py personal_data --email … --export FILE.json | --erase``: every case and mail of one person
across organisations (Art. 15 DSGVO) and erasure of the personal fields (Art. 17), both recorded."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from domains.permits.models import ParkingPermit, Permit, PermitAttachment
from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from shared.privacy.models import PrivacyRequest
from tests.factories import LEIPZIG, set_status
from tests.privacy.helpers import PERSON, applied_parking, applied_permit, reported

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    dresden = reported()
    set_status(dresden, "in_review")  # a status mail to the person
    leipzig = reported(lonlat=LEIPZIG, email="RITA@example.org")  # same person, other case of address
    someone_else = reported(email="otto@example.org")
    return {
        "dresden": dresden,
        "leipzig": leipzig,
        "other": someone_else,
        "permit": applied_permit(),
        "parking": applied_parking(),
    }


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("personal_data", *args, stdout=out)
    return out.getvalue()


def test_export_lists_every_case_and_mail_of_the_person_across_organisations(cases, tmp_path):
    target = tmp_path / "auskunft.json"
    out = run("--email", PERSON, "--export", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))

    assert {r["public_id"] for r in data["reports"]} == {
        cases["dresden"].public_id,
        cases["leipzig"].public_id,
    }
    assert len({r["organisation"] for r in data["reports"]}) == 2  # Dresden and Leipzig
    assert [p["public_id"] for p in data["permits"]] == [cases["permit"].public_id]
    assert data["permits"][0]["attachments"] == ["plan.jpg"]
    assert [p["licence_plate"] for p in data["parking_permits"]] == ["DD-XY 42"]
    assert {m["about"] for m in data["mails"]} >= {cases["dresden"].public_id}
    assert all(m["about"] != cases["other"].public_id for m in data["mails"])
    assert len(data["subscriptions"]) == 4
    assert "otto@example.org" not in target.read_text(encoding="utf-8")
    assert "2 Meldung(en)" in out

    request = PrivacyRequest.objects.get()
    assert (request.kind, request.organisation, request.cases) == ("export", None, 4)
    [event] = AuditEvent.objects.filter(action="privacy.export")
    assert PERSON not in json.dumps([event.summary, event.data])


def test_erase_removes_the_personal_fields_everywhere_and_is_audited_without_values(
    cases, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = run("--email", PERSON, "--erase")
    assert "2 Meldung(en), 1 Sondernutzung(en), 1 Parkausweis(e)" in out

    for key in ("dresden", "leipzig"):
        report = Report.objects.get(pk=cases[key].pk)
        assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")
        assert report.description  # public data stays
    permit = Permit.objects.get(pk=cases["permit"].pk)
    assert (permit.applicant_email, permit.applicant_name) == ("", "")
    assert not PermitAttachment.objects.filter(permit=permit).exists()
    parking = ParkingPermit.objects.get(pk=cases["parking"].pk)
    assert (parking.licence_plate, parking.applicant_email) == ("", "")
    assert not OutgoingMail.objects.filter(to__iexact=PERSON).exists()
    assert Report.objects.get(pk=cases["other"].pk).reporter_email == "otto@example.org"

    events = AuditEvent.objects.filter(
        action__in=[
            "report.personal_erased",
            "permit.personal_erased",
            "parking.personal_erased",
            "mail.personal_erased",
            "privacy.erase",
        ]
    )
    assert events.filter(action="privacy.erase").count() == 1
    text = json.dumps([[e.summary, e.data] for e in events], ensure_ascii=False)
    assert PERSON not in text.lower() and "Rita" not in text and "DD-XY" not in text

    # A second request finds nothing left.
    assert "0 Meldung(en), 0 Sondernutzung(en), 0 Parkausweis(e), 0 E-Mail(s)" in run(
        "--email", PERSON, "--erase"
    )


def test_unsent_mail_to_an_erased_person_is_never_sent(cases):
    run("--email", PERSON, "--erase")
    assert not OutgoingMail.objects.filter(sent__isnull=True, failed=False, to="").exists()


@pytest.mark.parametrize("email", ["", "keine-adresse", "a@" + "b" * 300 + ".de"])
def test_bad_address_is_a_clear_error_and_changes_nothing(cases, email, tmp_path):
    with pytest.raises(CommandError, match="gültige E-Mail-Adresse"):
        run("--email", email, "--erase")
    assert Report.objects.get(pk=cases["dresden"].pk).reporter_email == PERSON
    assert not PrivacyRequest.objects.exists()


def test_export_into_missing_folder_is_a_clear_error(cases, tmp_path):
    with pytest.raises(CommandError, match="Verzeichnis"):
        run("--email", PERSON, "--export", str(tmp_path / "fehlt" / "a.json"))


def test_export_names_the_notices_and_payment_and_erasure_deletes_the_notices(cases, tmp_path):
    from domains.permits.models import Notice
    from tests.privacy.helpers import decide_parking

    decide_parking(cases["parking"], "approved", paid=False)
    target = tmp_path / "auskunft.json"
    run("--email", PERSON, "--export", str(target))
    [parking] = json.loads(target.read_text(encoding="utf-8"))["parking_permits"]
    assert [n["kind"] for n in parking["notices"]] == ["Bescheid", "Gebührenbescheid"]
    assert parking["payment"]["state"] == "open" and parking["payment"]["kassenzeichen"]

    run("--email", PERSON, "--erase")
    assert not Notice.objects.filter(parking_permit=cases["parking"]).exists()
