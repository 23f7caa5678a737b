"""A camt.053 statement books only the fees of the organisation whose account it is (issue 25 item 5).

The statement's ``Stmt/Acct/Id/IBAN`` selects the organisation (its bank details in the letterhead
settings); a Kassenzeichen of another organisation on that account is reported, never booked."""

from __future__ import annotations

import pytest

from domains.permits.models import FeeClaim
from domains.permits.services import PermitDraft, permit_create, permit_decide
from kernel.organisations.models import AuditEvent, Organisation
from tests.permits.camt_files import entry, statement
from tests.permits.helpers import applicant, future
from tests.permits.notice_helpers import configure_bank
from tests.permits.test_payments import approved_permit, import_camt

pytestmark = pytest.mark.django_db

LEIPZIG_IBAN = "DE02120300000000202051"
LEIPZIG_MARKT = {
    "type": "Polygon",
    "coordinates": [
        [[12.3745, 51.3396], [12.3748, 51.3396], [12.3748, 51.3398], [12.3745, 51.3398], [12.3745, 51.3396]]
    ],
}


def leipzig_claim(world) -> FeeClaim:
    configure_bank(world.leipzig)
    Organisation.objects.filter(pk=world.leipzig.pk).update(iban=LEIPZIG_IBAN)
    permit = permit_create(
        draft=PermitDraft(
            kind="container", geometry=LEIPZIG_MARKT, start=future(3), end=future(5), applicant=applicant()
        )
    ).permit
    permit_decide(actor=world.users["caseworker_b"], public_id=permit.public_id, status="approved")
    return FeeClaim.objects.get(permit=permit)


def paid(*claims: FeeClaim) -> list[bool]:
    return [FeeClaim.objects.get(pk=c.pk).paid_on is not None for c in claims]


def test_statement_of_one_account_books_only_that_organisations_fees(world, tmp_path):
    _, dresden = approved_permit(world)
    leipzig = leipzig_claim(world)
    data = statement(
        entry(str(leipzig.amount), f"Kassenzeichen {leipzig.kassenzeichen}"),
        entry(str(dresden.amount), f"Kassenzeichen {dresden.kassenzeichen}"),
        iban=LEIPZIG_IBAN,
    )
    out = import_camt(tmp_path, data)
    assert paid(leipzig, dresden) == [True, False]
    assert "verbucht 1" in out and dresden.kassenzeichen in out
    assert "gehört nicht zu Leipzig" in out
    assert AuditEvent.objects.filter(action="permit.paid").count() == 1


@pytest.mark.parametrize("iban", ["DE12500105170648489890", None])
def test_statement_of_an_unknown_account_books_nothing_and_says_why(world, tmp_path, iban):
    _, claim = approved_permit(world)
    out = import_camt(tmp_path, statement(entry(str(claim.amount), claim.kassenzeichen), iban=iban))
    assert paid(claim) == [False]
    assert "verbucht 0" in out
    expected = "gehört zu keiner Organisation" if iban else "nennt keine IBAN"
    assert expected in out and "Bankverbindung" in out
    assert not AuditEvent.objects.filter(action="permit.paid").exists()


def test_ibans_are_compared_without_spaces_and_case(world, tmp_path):
    _, claim = approved_permit(world)
    # Stored by hand (Django admin, an import) with spaces and lower case; the bank writes it plainly.
    Organisation.objects.filter(pk=world.dresden.pk).update(iban="de89 3704 0044 0532 0130 00")
    import_camt(tmp_path, statement(entry(str(claim.amount), claim.kassenzeichen)))
    assert paid(claim) == [True]


def test_an_iban_shared_by_two_organisations_books_nothing(world, tmp_path):
    _, claim = approved_permit(world)
    configure_bank(world.leipzig)  # the same IBAN as Dresden's
    out = import_camt(tmp_path, statement(entry(str(claim.amount), claim.kassenzeichen)))
    assert paid(claim) == [False]
    assert "mehreren Organisationen" in out
