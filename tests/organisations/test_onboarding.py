"""Issue 29, item 2: ``manage.py onboard_communes`` — idempotent, one transaction per row, a clear German
line per row (unknown AGS, bad address, duplicate row), UTF-8 only (with BOM), ``;`` or ``,``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent, Invitation, Organisation
from kernel.organisations.onboarding import OnboardingFileError, onboard_communes

pytestmark = pytest.mark.django_db

HEADER = "AGS;Name Administration;E-Mail Administration;E-Mail Meldungen;Telefon;Internetseite\n"
GOOD = HEADER + (
    "14612000;Anna Amt;anna@dresden.example;maengel@dresden.example;0351 4880;https://www.dresden.de\n"
    "14713000;Lars Leip;lars@leipzig.example;meldungen@leipzig.example;;\n"
)


def invitations() -> int:
    return OutgoingMail.objects.filter(kind="staff_invitation").count()


def run(tmp_path, text: str | bytes, *args) -> str:
    path = tmp_path / "gemeinden.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    from io import StringIO

    out = StringIO()
    call_command("onboard_communes", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_file_sets_the_recipients_and_invites_the_first_admins(tmp_path):
    out = run(tmp_path, GOOD)
    dresden = Organisation.objects.get(kind="commune", ags="14612000")
    assert dresden.email == "maengel@dresden.example" and dresden.contact_phone == "0351 4880"
    assert dresden.contact_website == "https://www.dresden.de"
    assert Invitation.objects.get(organisation=dresden).role == "admin"
    assert invitations() == 2
    assert (
        "Zeile 2, 14612000 Dresden: geändert" in out and "Einladung an anna@dresden.example verschickt" in out
    )
    assert AuditEvent.objects.filter(action="organisation.onboard").count() == 2


def test_a_second_run_changes_nothing_and_sends_no_second_invitation(tmp_path):
    run(tmp_path, GOOD)
    audits = AuditEvent.objects.count()
    out = run(tmp_path, GOOD)
    assert invitations() == 2 and Invitation.objects.count() == 2
    assert AuditEvent.objects.count() == audits
    assert out.count("unverändert") == 2 and "noch offen" in out


def test_comma_separated_with_bom_is_read(tmp_path):
    text = "\ufeff" + GOOD.replace(";", ",")
    run(tmp_path, text.encode("utf-8"))
    assert invitations() == 2


def test_unknown_ags_bad_address_and_duplicate_rows_are_refused_the_rest_applies(tmp_path):
    text = GOOD + (
        "14999999;X;x@example.org;y@example.org\n"
        "14628010;Bea;kein-at;y@example.org\n"
        "14612000;Anna Zwei;anna2@dresden.example;m@dresden.example\n"
    )
    out = run(tmp_path, text)
    assert "Zeile 4, 14999999: abgelehnt – unbekannter AGS „14999999“" in out
    assert "ungültige E-Mail-Adresse der Administration „kein-at“" in out
    assert "doppelte Zeile: AGS 14612000 steht schon in Zeile 2" in out
    assert invitations() == 2
    assert Organisation.objects.get(kind="commune", ags="14612000").email == "maengel@dresden.example"
    assert "3 abgelehnt" in out


def test_a_latin1_file_is_refused_in_german_and_nothing_is_applied(tmp_path):
    with pytest.raises(CommandError) as refused:
        run(tmp_path, GOOD.replace("Anna", "Jörg").encode("latin-1"))
    assert "nicht in UTF-8" in str(refused.value) and "Zeile 2" in str(refused.value)
    assert invitations() == 0 and not Invitation.objects.exists()


def test_a_failing_row_leaves_nothing_half_saved(monkeypatch):
    """The invitation fails after the recipient was set: the row's transaction takes both back."""
    from kernel.core.errors import ValidationFailed
    from kernel.organisations import onboarding

    def failing(**kwargs):
        raise ValidationFailed({"email": ["SMTP-Ausfall simuliert"]})

    monkeypatch.setattr(onboarding, "invite_by_email", failing)
    before = Organisation.objects.filter(ags="14612000").values().get()
    outcomes = onboard_communes(actor=None, data=GOOD.encode())
    assert all(o.refused for o in outcomes) and "SMTP-Ausfall" in outcomes[0].describe()
    assert Organisation.objects.filter(ags="14612000").values().get() == before
    assert not AuditEvent.objects.filter(action="organisation.onboard").exists()


def test_a_missing_organisation_is_created(tmp_path):
    Organisation.objects.filter(ags="14713000").delete()
    out = run(tmp_path, GOOD)
    assert Organisation.objects.get(kind="commune", ags="14713000").name == "Leipzig"
    assert "14713000 Leipzig: angelegt – Organisation angelegt" in out


def test_dry_run_saves_nothing(tmp_path):
    out = run(tmp_path, GOOD, "--dry-run")
    assert "Probelauf" in out and not Invitation.objects.exists() and invitations() == 0


def test_an_empty_file_is_refused():
    with pytest.raises(OnboardingFileError):
        onboard_communes(actor=None, data=HEADER.encode())
