"""Operator onboarding in bulk (issue 29, item 2): one CSV line per commune — AGS, the first admin's name
and e-mail, the report recipient e-mail, optionally phone and website.

For each line: the commune's organisation (one per AGS, ``Organisation(kind=commune, ags=…)``, kept by
``organisations_sync_communes``; created here if missing), its report inbox (``Organisation.email``, where
new reports go) and public contact (``contact_phone``, ``contact_website``), and the first admin's
invitation (``invite_by_email``). Idempotent: a second run changes nothing and invites nobody while an
invitation of that address is open or was accepted, or the organisation already has an active admin.
Each line in its own transaction, so a failing line leaves nothing behind and the others still apply.
``manage.py onboard_communes`` and the operator page call this.

The file must be UTF-8 (with or without BOM, as Excel's "CSV UTF-8" writes it); Latin-1/Windows-1252 is
refused with a message rather than guessed, since a wrongly guessed "ß" in a name or address would be
stored silently. Separator ``;`` (German Excel) or ``,``, whichever the first line uses more.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from kernel.boundaries.models import Commune
from kernel.core.errors import DomainError, ValidationFailed
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.email_invitations import NAME_MAX, invite_by_email
from kernel.organisations.models import Invitation, Membership, Organisation, OrganisationKind, Role

COLUMNS = (
    "AGS",
    "Name Administration",
    "E-Mail Administration",
    "E-Mail Meldungen",
    "Telefon",
    "Internetseite",
)
MAX_BYTES = 2 * 1024 * 1024  # 418 communes take ~60 KB; anything far bigger is the wrong file
NOT_UTF8 = (
    "Die Datei ist nicht in UTF-8 gespeichert (erstes ungültiges Zeichen in Zeile {line}). Bitte in Excel "
    "„Speichern unter“ → „CSV UTF-8 (durch Trennzeichen getrennt)“ wählen. Latin-1/Windows-1252 wird "
    "nicht erraten, damit keine Umlaute verfälscht gespeichert werden."
)


class OnboardingFileError(DomainError):
    """The whole file is refused (encoding, size, no rows): nothing of it was applied."""

    code = "onboarding_file"
    status_code = 400


@dataclass
class RowOutcome:
    line: int
    ags: str
    name: str = ""
    status: str = "unverändert"  # angelegt / geändert / unverändert / abgelehnt
    actions: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.status == "abgelehnt"

    def describe(self) -> str:
        where = f"Zeile {self.line}, {self.ags or '–'}" + (f" {self.name}" if self.name else "")
        return f"{where}: {self.status}" + (" – " + "; ".join(self.actions) if self.actions else "")


def read_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty data line; a first line naming the columns is skipped."""
    if len(data) > MAX_BYTES:
        raise OnboardingFileError(f"Die Datei ist größer als {MAX_BYTES // 1024 // 1024} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OnboardingFileError(NOT_UTF8.format(line=data[: exc.start].count(b"\n") + 1)) from None
    if "\x00" in text:
        raise OnboardingFileError("Die Datei enthält NUL-Zeichen; ist es wirklich eine CSV-Datei?")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    separator = ";" if first.count(";") >= first.count(",") else ","
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    for cells in reader:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if not rows and "ags" in cells[0].lower():
            continue  # the header line naming the columns
        rows.append((reader.line_num, cells))
    if not rows:
        raise OnboardingFileError("Die Datei enthält keine Zeilen. Spalten: " + "; ".join(COLUMNS) + ".")
    return rows


def _row_errors(cells: list[str], communes: dict[str, str]) -> list[str]:
    ags, name, admin_email, report_email, phone, website = (cells + [""] * 6)[:6]
    errors = []
    if ags not in communes:
        errors.append(f"unbekannter AGS „{ags[:20]}“ (8 Ziffern einer heutigen sächsischen Gemeinde)")
    if len(name) > NAME_MAX:
        errors.append(f"Name der Administration länger als {NAME_MAX} Zeichen")
    for label, address in (("der Administration", admin_email), ("für Meldungen", report_email)):
        if not email_is_valid(address):
            errors.append(f"ungültige E-Mail-Adresse {label} „{address[:80]}“")
    if len(phone) > 40:
        errors.append("Telefonnummer länger als 40 Zeichen")
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
            if len(website) > 200:
                raise DjangoValidationError("zu lang")
        except DjangoValidationError:
            errors.append(f"ungültige Internetseite „{website[:80]}“ (https://…)")
    return errors


def onboard_communes(*, actor: Any, data: bytes) -> list[RowOutcome]:
    """Apply every line of the CSV ``data``; one outcome per line, in file order."""
    rows = read_rows(data)
    communes = dict(Commune.objects.current().values_list("ags", "name"))
    seen: dict[str, int] = {}
    outcomes = []
    for line, cells in rows:
        ags = cells[0]
        outcome = RowOutcome(line=line, ags=ags[:20], name=communes.get(ags, ""))
        errors = _row_errors(cells, communes)
        if ags in seen:
            errors = [f"doppelte Zeile: AGS {ags} steht schon in Zeile {seen[ags]}"]
        seen.setdefault(ags, line)
        if errors:
            outcome.status, outcome.actions = "abgelehnt", errors
        else:
            try:
                with transaction.atomic():
                    _apply(actor, outcome, cells, communes[ags])
            except DomainError as exc:  # the row's transaction is rolled back: nothing of it stays
                outcome.status, outcome.actions = "abgelehnt", [exc.message]
        outcomes.append(outcome)
    return outcomes


def _apply(actor: Any, outcome: RowOutcome, cells: list[str], commune_name: str) -> None:
    ags, name, admin_email, report_email, phone, website = (cells + [""] * 6)[:6]
    org = Organisation.objects.select_for_update().filter(kind=OrganisationKind.COMMUNE, ags=ags).first()
    if org is None:
        org = Organisation.objects.create(kind=OrganisationKind.COMMUNE, ags=ags, name=commune_name)
        audit(actor=actor, action="organisation.create", obj=org, organisation=org, summary="Angelegt (CSV)")
        outcome.status = "angelegt"
        outcome.actions.append("Organisation angelegt")
    wanted = {"email": report_email, "contact_phone": phone, "contact_website": website}
    changed = [f for f, value in wanted.items() if value and getattr(org, f) != value]
    if changed:
        for f in changed:
            setattr(org, f, wanted[f])
        org.save(update_fields=changed)
        audit(
            actor=actor,
            action="organisation.onboard",
            obj=org,
            organisation=org,
            summary="Onboarding (CSV): " + ", ".join(changed),
            fields=changed,
        )
        outcome.status = "angelegt" if outcome.status == "angelegt" else "geändert"
        outcome.actions.append("gesetzt: " + ", ".join(LABELS[f] for f in changed))
    _invite_first_admin(actor, outcome, org, admin_email, name)


LABELS = {"email": "E-Mail für Meldungen", "contact_phone": "Telefon", "contact_website": "Internetseite"}


def _invite_first_admin(actor: Any, outcome: RowOutcome, org: Organisation, email: str, name: str) -> None:
    if Membership.objects.filter(organisation=org, role=Role.ADMIN, active=True).exists():
        outcome.actions.append("hat schon eine Administration, keine Einladung")
        return
    earlier = Invitation.objects.filter(organisation=org, email__iexact=email, role=Role.ADMIN)
    if earlier.filter(accepted=True).exists():
        outcome.actions.append(f"Einladung an {email} schon angenommen")
        return
    if earlier.filter(answered=None, expires__gt=timezone.now()).exists():
        outcome.actions.append(f"Einladung an {email} ist noch offen, keine zweite")
        return
    try:
        invite_by_email(actor=actor, organisation=org, email=email, role=Role.ADMIN, name=name)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.errors, message=f"Einladung nicht möglich: {exc.message}") from None
    outcome.status = "angelegt" if outcome.status == "angelegt" else "geändert"
    outcome.actions.append(f"Einladung an {email} verschickt")
