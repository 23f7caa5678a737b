"""The Bescheid reads like an official letter (issue 26.10): authority, office, address and signatory
from the letterhead settings, a personal salutation, the appeal notice naming the office and its
address, and the same conditions on the applicant's page as in the PDF."""

from __future__ import annotations

import re

import pytest

from domains.permits.models import Notice, NoticeKind, PermitKind
from domains.permits.services import PermitDraft, permit_create, permit_decide
from kernel.boundaries.models import Commune
from kernel.cases.tracking import tracking_token
from tests.permits.helpers import applicant, future
from tests.permits.notice_helpers import configure_bank, pdf_text, stored_bytes
from tests.permits.test_conflicts import box

pytestmark = pytest.mark.django_db


def _letterhead(organisation) -> None:
    configure_bank(organisation)
    organisation.letterhead_name = "Landeshauptstadt Dresden"
    organisation.letterhead_office = "Straßen- und Tiefbauamt"
    organisation.letterhead_address = "St. Petersburger Straße 15\n01069 Dresden"
    organisation.letterhead_signatory = "Erika Mustermann"
    organisation.letterhead_signatory_role = "Sachbearbeiterin Sondernutzungen"
    organisation.save()


def _approved(world, *, conditions: str = "Warnleuchte nachts an.", **person):
    PermitKind.objects.filter(slug="container").update(standard_conditions="Straßenabläufe bleiben frei.")
    permit = permit_create(
        draft=PermitDraft(
            kind="container",
            geometry=box(),
            start=future(3),
            end=future(5),
            applicant=applicant(**person),
        )
    ).permit
    permit_decide(
        actor=world.users["caseworker_a"],
        public_id=permit.public_id,
        status="approved",
        conditions=conditions,
    )
    return permit


def _bescheid(permit, tmp_path) -> str:
    notice = Notice.objects.get(permit=permit, kind=NoticeKind.DECISION)
    return " ".join(pdf_text(stored_bytes(notice), tmp_path).split())  # one line: layout breaks words apart


def test_the_bescheid_names_authority_office_address_and_signatory(world, tmp_path):
    _letterhead(world.dresden)
    text = _bescheid(_approved(world), tmp_path)
    assert "Landeshauptstadt Dresden" in text and "Straßen- und Tiefbauamt" in text
    assert (
        "zur Niederschrift bei der Behörde, die diesen Bescheid erlassen hat (Landeshauptstadt Dresden, "
        "Straßen- und Tiefbauamt, St. Petersburger Straße 15, 01069 Dresden)" in text
    )
    assert re.search(
        r"Mit freundlichen Grüßen Im Auftrag Erika Mustermann Sachbearbeiterin Sondernutzungen", text
    ), text
    assert "Mit freundlichen Grüßen Dresden" not in text


def test_without_letterhead_the_commune_signs_with_its_official_designation(world, tmp_path):
    commune = Commune.objects.current().get(ags="14612000")
    commune.bez = "Landeshauptstadt"  # BKG VG250 "BEZ"; the test data may carry "Stadt"
    commune.save(update_fields=["bez"])
    text = _bescheid(_approved(world), tmp_path)
    assert "Mit freundlichen Grüßen Landeshauptstadt Dresden" in text, text
    assert "erlassen hat (Landeshauptstadt Dresden)" in text


def test_a_named_person_is_greeted_by_name_a_firm_without_contact_as_damen_und_herren(world, tmp_path):
    _letterhead(world.dresden)
    person = _approved(world, name="Erika Beispiel", organisation="Gerüstbau Meier GmbH")
    text = _bescheid(person, tmp_path)
    assert "Guten Tag Erika Beispiel," in text and "Sehr geehrte Damen und Herren" not in text
    firm = _approved(world)  # applicant() is "Gerüstbau Meier GmbH" without a contact person
    assert "Sehr geehrte Damen und Herren," in _bescheid(firm, tmp_path)


def test_the_applicants_page_lists_the_same_conditions_as_the_pdf(client, world, tmp_path):
    _letterhead(world.dresden)
    permit = _approved(world)
    text = _bescheid(permit, tmp_path)
    assert "Straßenabläufe bleiben frei." in text and "Warnleuchte nachts an." in text
    token = tracking_token(type(permit), permit.public_id)
    html = client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{token}/").content.decode()
    section = html.split("Auflagen", 1)[1].split("<h2", 1)[0]
    assert "Straßenabläufe bleiben frei." in section and "Warnleuchte nachts an." in section


def test_standard_conditions_alone_are_shown_on_the_page(client, world):
    permit = _approved(world, conditions="")
    token = tracking_token(type(permit), permit.public_id)
    html = client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{token}/").content.decode()
    assert "Straßenabläufe bleiben frei." in html


def test_the_conditions_stay_as_issued_when_the_kind_changes_later(client, world, tmp_path):
    """The Bescheid is binding as issued: a later edit of the kind's standard conditions (a new
    Satzung, a typo fixed in the admin) must not change what the applicant's page says was imposed."""
    permit = _approved(world)
    PermitKind.objects.filter(slug="container").update(standard_conditions="Neue Regelauflage ab morgen.")
    text = _bescheid(permit, tmp_path)
    token = tracking_token(type(permit), permit.public_id)
    html = client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{token}/").content.decode()
    section = html.split("Auflagen", 1)[1].split("<h2", 1)[0]
    for output in (text, section):
        assert "Straßenabläufe bleiben frei." in output
        assert "Neue Regelauflage" not in output
