"""Fee payment: state (open, paid, overdue), staff booking (audited), camt.053 import, and a parking
permit that becomes valid only when its fee is paid."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from domains.permits.camt import StatementError, read_credits
from domains.permits.models import FeeClaim, Notice, ParkingPermit
from domains.permits.parking_card import check_card
from domains.permits.payment_state import kassenzeichen_for, kassenzeichen_in, kassenzeichen_is_valid
from domains.permits.services import PermitDraft, parking_decide, permit_create, permit_decide
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.permits.camt_files import entry, statement
from tests.permits.helpers import applicant, future
from tests.permits.notice_helpers import (
    configure_bank,
    girocode_payload,
    pdf_text,
    pdfa_problems,
    stored_bytes,
)
from tests.permits.test_conflicts import box
from tests.permits.test_staff_and_parking import apply_parking
from tests.staff_world import confirmed_second_factor, login

pytestmark = pytest.mark.django_db


def approved_permit(world):
    configure_bank(world.dresden)
    permit = permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(), start=future(3), end=future(5), applicant=applicant()
        )
    ).permit
    permit_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
    return permit, FeeClaim.objects.get(permit=permit)


def import_camt(tmp_path, data: bytes, *args) -> str:
    path = tmp_path / "auszug.xml"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_camt", str(path), *args, stdout=out)
    return out.getvalue()


def test_kassenzeichen_check_digit_catches_a_typo():
    kz = kassenzeichen_for(2026, 123)
    assert kassenzeichen_is_valid(kz) and kz.startswith("26000000123")
    assert not kassenzeichen_is_valid(kz[:-1] + str((int(kz[-1]) + 1) % 10))
    assert not kassenzeichen_is_valid(kz[:8] + kz[9] + kz[8] + kz[10:])  # swapped digits 2 and 3
    spaced = " ".join(kz[i : i + 4] for i in range(0, 12, 4))
    assert kassenzeichen_in(f"Gebuehr Kassenzeichen {spaced} danke") == [kz]


def test_payment_state_is_open_then_overdue_then_paid(client, world):
    permit, claim = approved_permit(world)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    url = f"/api/v1/staff/permits/{permit.public_id}/"
    assert client.get(url).json()["payment"]["state"] == "open"
    FeeClaim.objects.filter(pk=claim.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(url).json()["payment"]["state"] == "overdue"
    response = client.post(
        f"{url}payment/", {"paid_on": timezone.localdate().isoformat()}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == "paid"
    assert client.get(url).json()["payment"]["paid_via"] == "staff"
    assert AuditEvent.objects.filter(action="permit.paid", actor=world.users["caseworker_a"]).count() == 1
    again = client.post(f"{url}payment/", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_paid"


@pytest.mark.parametrize(("who", "code"), [("caseworker_b", 404), ("crew_a", 404)])
def test_only_case_managers_in_scope_book_payments(client, world, who, code):
    permit, claim = approved_permit(world)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    response = client.post(
        f"/api/v1/staff/permits/{permit.public_id}/payment/", {}, content_type="application/json"
    )
    assert response.status_code == code
    claim.refresh_from_db()
    assert claim.paid_on is None


def test_future_payment_date_is_refused(client, world):
    permit, claim = approved_permit(world)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/api/v1/staff/permits/{permit.public_id}/payment/",
        {"paid_on": tomorrow},
        content_type="application/json",
    )
    assert response.status_code == 400 and "Zukunft" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.paid_on is None


@pytest.mark.parametrize("version", ["02", "08"])
def test_camt_import_books_matches_and_reports_the_rest(world, tmp_path, version):
    permit, claim = approved_permit(world)
    other, other_claim = approved_permit(world)
    data = statement(
        entry(str(claim.amount), f"Kassenzeichen {claim.kassenzeichen} Container", version=version, ref="A1"),
        entry("1.00", f"KZ {other_claim.kassenzeichen}", version=version),  # wrong amount
        entry("25.00", f"Kassenzeichen {kassenzeichen_for(2099, 1)}", version=version),  # unknown
        entry("12.00", "Miete Dezember", version=version),  # no reference at all
        entry(str(other_claim.amount), other_claim.kassenzeichen, version=version, direction="DBIT"),
        entry(str(other_claim.amount), other_claim.kassenzeichen, version=version, status="PDNG"),
        version=version,
    )
    out = import_camt(tmp_path, data)
    claim.refresh_from_db()
    other_claim.refresh_from_db()
    assert claim.paid_on == dt.date(2026, 12, 3) and claim.paid_via == "bank_transfer"
    assert claim.payment_reference == "A1"
    assert other_claim.paid_on is None  # wrong amount changes nothing; debit and pending are no payments
    assert "4 Gutschriften: verbucht 1, Betrag weicht ab 1, Referenz unbekannt 2, bereits bezahlt 0" in out
    assert "Betrag weicht ab" in out and other_claim.kassenzeichen in out
    assert "Kassenzeichen unbekannt" in out and "kein Kassenzeichen" in out

    again = import_camt(tmp_path, data)  # the same statement again books nothing twice
    assert "verbucht 0" in again and "bereits bezahlt 1" in again
    assert AuditEvent.objects.filter(action="permit.paid").count() == 1


def test_camt_structured_reference_and_dry_run(world, tmp_path):
    _, claim = approved_permit(world)
    data = statement(entry(str(claim.amount), structured=claim.kassenzeichen))
    out = import_camt(tmp_path, data, "--dry-run")
    assert "Probelauf: 1 Gutschriften: verbucht 1" in out
    claim.refresh_from_db()
    assert claim.paid_on is None
    import_camt(tmp_path, data)
    claim.refresh_from_db()
    assert claim.paid_on is not None


def test_camt_with_doctype_or_foreign_format_is_refused(tmp_path):
    evil = statement(
        entry("1.00", "&xxe;"), prefix='<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    )
    with pytest.raises(StatementError):
        read_credits(evil)
    with pytest.raises(CommandError, match="camt.053"):
        import_camt(tmp_path, b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"/>')
    with pytest.raises(CommandError, match="kein lesbares XML"):
        import_camt(tmp_path, b"<Document")


def test_parking_permit_becomes_valid_only_when_paid(client, world, tmp_path):
    configure_bank(world.dresden)
    permit = apply_parking(13.7550, 51.0670).permit
    parking_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
    permit.refresh_from_db()
    claim = FeeClaim.objects.get(parking_permit=permit)
    assert permit.permit_number and permit.valid_from is None and permit.valid_until is None
    assert claim.amount == permit.fee == Decimal("30.70")
    assert sorted(Notice.objects.filter(parking_permit=permit).values_list("kind", flat=True)) == [
        "bescheid",
        "gebuehrenbescheid",
    ]

    [decision_mail] = OutgoingMail.objects.filter(kind="parking.status", object_id=permit.public_id)
    assert [a["filename"] for a in decision_mail.attachments] == [
        f"Bescheid-{permit.public_id}.pdf",
        f"Gebuehrenbescheid-{permit.public_id}.pdf",
    ]
    assert decision_mail.to == "rita@example.org" and "DD-XY" not in decision_mail.body

    import_camt(tmp_path, statement(entry("30.70", f"Bewohnerparken {claim.kassenzeichen}")))
    card_mail = OutgoingMail.objects.filter(kind="parking.status").latest("pk")
    assert [a["filename"] for a in card_mail.attachments] == [f"Parkausweis-{permit.public_id}.pdf"]
    assert "gilt vom" in card_mail.body
    permit.refresh_from_db()
    today = timezone.localdate()
    assert permit.valid_from == today and permit.valid_until in (
        today + dt.timedelta(days=364),
        today + dt.timedelta(days=365),
    )
    assert permit.history.filter(public_note__contains="gilt vom").exists()
    card = Notice.objects.get(parking_permit=permit, kind="parkausweis")
    text = pdf_text(stored_bytes(card), tmp_path)
    assert "Bewohnerparkausweis" in text and "DD-XY 42" in text and "N1" in text
    assert permit.permit_number in text and permit.valid_until.strftime("%d.%m.%Y") in text
    assert pdfa_problems(stored_bytes(card), tmp_path) == []
    import pikepdf

    with pikepdf.Pdf.open(io.BytesIO(stored_bytes(card))) as pdf:
        box_ = pdf.pages[0].mediabox
        width_mm, height_mm = (float(box_[2]) / 72 * 25.4, float(box_[3]) / 72 * 25.4)
    assert (round(width_mm), round(height_mm)) == (148, 105)  # A6 landscape
    # The printed card carries the signed code that /kontrolle/ checks (issue 18 item 6).
    (tmp_path / "card").mkdir()
    printed = girocode_payload(stored_bytes(card), tmp_path / "card")
    assert check_card(printed, plate="DD-XY 42", ags="14612000", zone="N1", on=today).valid


def test_parking_permit_without_fee_is_valid_at_approval(world):
    permit = apply_parking(13.7550, 51.0670).permit
    ParkingPermit.objects.filter(pk=permit.pk).update(fee=0)
    parking_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
    permit.refresh_from_db()
    assert permit.valid_from == timezone.localdate()
    assert not FeeClaim.objects.exists()
    assert Notice.objects.filter(parking_permit=permit, kind="parkausweis").exists()


def test_operators_see_fee_claims_and_notices_read_only_in_the_admin(client, world):
    from django.contrib.auth import get_user_model

    permit, claim = approved_permit(world)
    get_user_model().objects.create_superuser("operator", "op@example.org", "x-sehr-geheim-42")
    confirmed_second_factor("operator")  # /admin/ needs a session confirmed with the second factor
    login(client, "operator")
    listing = client.get("/admin/permits/feeclaim/")
    assert listing.status_code == 200 and claim.kassenzeichen in listing.content.decode()
    assert client.get("/admin/permits/notice/").status_code == 200
    assert client.get("/admin/permits/feeclaim/add/").status_code == 403
    kind = client.get(f"/admin/permits/permitkind/{permit.kind_id}/change/").content.decode()
    assert "Regelauflagen" in kind
