"""Written notices on a permit decision: Bescheid and Gebührenbescheid as PDF/A-2b with letterhead,
stored privately with their hash audited, listed in the staff API and sent with the decision mail."""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal

import pikepdf
import pytest
from django.utils import timezone

from domains.permits.models import FeeClaim, Notice, Permit, PermitKind
from domains.permits.payment_state import kassenzeichen_is_valid
from domains.permits.services import PermitDraft, permit_create
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from kernel.organisations.models import AuditEvent
from tests.permits.helpers import applicant, future
from tests.permits.notice_helpers import (
    BIC,
    IBAN,
    configure_bank,
    girocode_payload,
    pdf_text,
    pdfa_identification,
    pdfa_problems,
    stored_bytes,
)
from tests.permits.test_conflicts import box
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(world):
    configure_bank(world.dresden)
    PermitKind.objects.filter(slug="container").update(standard_conditions="Straßenabläufe bleiben frei.")
    return permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(), start=future(3), end=future(5), applicant=applicant()
        )
    ).permit


def decide(client, world, who, permit, data):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    return client.patch(f"/api/v1/staff/permits/{permit.public_id}/", data, content_type="application/json")


def approve(client, world, permit):
    response = decide(
        client, world, "caseworker_a", permit, {"status": "approved", "conditions": "Warnleuchte nachts an."}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_approval_issues_bescheid_and_fee_notice_as_pdfa(client, world, permit, tmp_path):
    body = approve(client, world, permit)
    claim = FeeClaim.objects.get(permit=permit)
    assert kassenzeichen_is_valid(claim.kassenzeichen) and claim.amount == permit.fee_total
    assert [d["kind"] for d in body["documents"]] == ["bescheid", "gebuehrenbescheid"]
    assert body["payment"]["kassenzeichen"] == claim.kassenzeichen
    assert body["payment"]["state"] == "open"

    decision, fee = Notice.objects.filter(permit=permit).order_by("pk")
    text = pdf_text(stored_bytes(decision), tmp_path)
    assert "Landeshauptstadt Dresden, Straßen- und Tiefbauamt" in text
    assert "Bescheid über Ihren Antrag auf Sondernutzung" in text and permit.public_id in text
    assert "Straßenabläufe bleiben frei." in text and "Warnleuchte nachts an." in text  # kind + caseworker
    assert "Rechtsbehelfsbelehrung" in text and "Gerüstbau Meier GmbH" in text

    fee_text = pdf_text(stored_bytes(fee), tmp_path)
    assert "Gebührenbescheid" in fee_text and claim.kassenzeichen in fee_text
    assert "DE89 3704 0044 0532 0130 00" in fee_text and BIC in fee_text
    assert claim.due_date.strftime("%d.%m.%Y") in fee_text
    assert f"{claim.amount}".replace(".", ",") in fee_text  # German notation
    for line in permit.fee_lines:  # each stored line, its amount in cents and German notation
        assert line["label"] in fee_text
        assert f"{Decimal(line['amount']):.2f}".replace(".", ",") in fee_text
    for notice in (decision, fee):
        assert pdfa_identification(stored_bytes(notice)) == ("2", "B")
        assert pdfa_problems(stored_bytes(notice), tmp_path) == []


def test_fee_notice_girocode_decodes_to_the_fee(client, world, permit, tmp_path):
    approve(client, world, permit)
    claim = FeeClaim.objects.get(permit=permit)
    fee = Notice.objects.get(permit=permit, kind="gebuehrenbescheid")
    lines = girocode_payload(stored_bytes(fee), tmp_path).split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[4] == BIC and lines[5] == "Landeshauptstadt Dresden" and lines[6] == IBAN
    assert lines[7].startswith("EUR") and Decimal(lines[7][3:]) == claim.amount
    assert lines[8] == "GOVT"
    assert lines[10] == f"Kassenzeichen {claim.kassenzeichen}"


def test_notice_hash_is_in_the_audit_log(client, world, permit):
    approve(client, world, permit)
    for notice in Notice.objects.filter(permit=permit):
        event = AuditEvent.objects.get(action="permit.notice", data__sha256=notice.sha256)
        assert hashlib.sha256(stored_bytes(notice)).hexdigest() == notice.sha256
        assert event.organisation_id == world.dresden.pk


def test_refusal_needs_reasons_and_issues_only_a_bescheid(client, world, permit, tmp_path):
    response = decide(client, world, "caseworker_a", permit, {"status": "rejected"})
    assert response.status_code == 400 and "Gründe" in response.json()["detail"]
    permit.refresh_from_db()
    assert permit.status == "submitted" and not Notice.objects.exists()

    reason = "Der Gehweg ist im beantragten Zeitraum wegen Bauarbeiten gesperrt."
    response = decide(client, world, "caseworker_a", permit, {"status": "rejected", "public_note": reason})
    assert response.status_code == 200
    assert [d["kind"] for d in response.json()["documents"]] == ["bescheid"]
    assert response.json()["payment"] is None
    text = pdf_text(stored_bytes(Notice.objects.get(permit=permit)), tmp_path)
    assert "wird abgelehnt" in text and "Begründung" in text and "Bauarbeiten gesperrt" in text
    assert not FeeClaim.objects.exists()


def test_staff_api_lists_and_serves_each_document(client, world, permit):
    body = approve(client, world, permit)
    for document in body["documents"]:
        response = client.get(document["url"])
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        data = b"".join(response.streaming_content)
        assert hashlib.sha256(data).hexdigest() == document["sha256"]
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_b']}"
    assert client.get(body["documents"][0]["url"]).status_code == 404  # other commune


def test_notices_are_private_applicant_and_staff_only(client, world, permit):
    approve(client, world, permit)
    client.defaults.pop("HTTP_AUTHORIZATION")
    notice = Notice.objects.filter(permit=permit).first()
    url = f"/media/{notice.file.name}"
    assert client.get(url).status_code == 404  # anonymous
    assert client.get(url, {"token": "falsch"}).status_code == 404
    from kernel.cases.tracking import tracking_token

    response = client.get(url, {"token": tracking_token(Permit, permit.public_id)})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(world.users["caseworker_b"])
    assert client.get(url).status_code == 404  # other commune's staff
    client.force_login(world.users["caseworker_a"])
    assert client.get(url).status_code == 200


def test_decision_mail_carries_the_notices(client, world, permit, settings):
    approve(client, world, permit)
    mail = OutgoingMail.objects.filter(kind="permit.status", object_id=permit.public_id).latest("pk")
    assert [a["filename"] for a in mail.attachments] == [
        f"Bescheid-{permit.public_id}.pdf",
        f"Gebuehrenbescheid-{permit.public_id}.pdf",
    ]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 0, "use_tls": False, "timeout": 3},
        }
    }
    with SmtpServer(0) as server:
        settings.MAILERS["default"]["OPTIONS"]["port"] = server.server_address[1]
        assert mail_send(mail.pk) == "sent"
    _, message = next((to, m) for to, m in server.messages if permit.public_id in m["Subject"])
    parts = list(message.iter_attachments())
    assert [p.get_filename() for p in parts] == [a["filename"] for a in mail.attachments]
    for part, notice in zip(parts, Notice.objects.filter(permit=permit).order_by("pk"), strict=True):
        assert part.get_content_type() == "application/pdf"
        assert hashlib.sha256(part.get_content()).hexdigest() == notice.sha256


def test_without_bank_details_the_notice_says_so_and_has_no_girocode(client, world, permit, tmp_path):
    world.dresden.iban = ""
    world.dresden.save()
    approve(client, world, permit)
    fee = Notice.objects.get(permit=permit, kind="gebuehrenbescheid")
    text = pdf_text(stored_bytes(fee), tmp_path)
    assert "Bankverbindung teilt Ihnen" in text
    assert re.search(r"IBAN", text) is None
    assert timezone.localdate().strftime("%d.%m.%Y") in text


def test_markup_in_conditions_is_printed_as_text_never_fetched(client, world, permit, tmp_path):
    typed = '<img src="file:///etc/hostname"> <b>fett</b>'
    response = decide(client, world, "caseworker_a", permit, {"status": "approved", "conditions": typed})
    assert response.status_code == 200
    text = pdf_text(stored_bytes(Notice.objects.get(permit=permit, kind="bescheid")), tmp_path)
    assert '<img src="file:///etc/hostname">' in text and "<b>fett</b>" in text


def test_the_pdfa_check_rejects_an_ordinary_pdf(tmp_path):
    """The structural check above can fail: the same renderer without the PDF/A variant, and a PDF/A
    whose catalogue gained an action afterwards."""
    from weasyprint import HTML  # only this test renders outside domains.permits.documents.notices

    plain = HTML(string="<p>Bescheid</p>").write_pdf()
    problems = pdfa_problems(plain, tmp_path)
    assert any(p.startswith("6.2.3") for p in problems) and any(p.startswith("6.6.4") for p in problems)
    pdfa = HTML(string="<p>Bescheid</p>").write_pdf(pdf_variant="pdf/a-2b")
    assert pdfa_problems(pdfa, tmp_path) == []
    with pikepdf.Pdf.open(io.BytesIO(pdfa)) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        changed = io.BytesIO()
        pdf.save(changed)
    assert pdfa_problems(changed.getvalue(), tmp_path) == ["6.6: actions or JavaScript in the catalogue"]
