"""Textbausteine: canned public notes of an organisation, filled in for one report.

Placeholders are Python format fields, but only the four names below, without attribute access,
indexing, conversion or format spec — so a template can never reach into an object (``{nummer.__class__}``)
and an unknown name is refused when the template is saved, not when a caseworker uses it.
"""

from __future__ import annotations

import string
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from domains.reports.models import NoteTemplate, Report
from kernel.cases.fields import clean_note, clean_text
from kernel.core.errors import NotFound, ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.scoping import require_admin

PLACEHOLDERS = {
    "nummer": "Meldungsnummer, z. B. SN-7K3M-Q2",
    "kategorie": "Kategorie der Meldung",
    "gemeinde": "Gemeinde der Meldung",
    "datum": "heutiges Datum (TT.MM.JJJJ)",
}
NAME_MAX = 100


def placeholder_errors(text: str) -> list[str]:
    """German messages for every placeholder that is not one of ``PLACEHOLDERS`` (empty: valid)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return [
            "Geschweifte Klammern passen nicht zusammen. Für eine Klammer im Text „{{“ bzw. „}}“ schreiben."
        ]
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    errors = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            shown = (
                "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            )
            errors.append(f"Unbekannter Platzhalter {shown}. Erlaubt sind: {allowed}.")
    return errors


def note_template_render(template: NoteTemplate, report: Report) -> str:
    """The template's text for ``report`` (the template was checked when it was saved)."""
    values = {
        "nummer": report.public_id,
        "kategorie": report.category.name,
        "gemeinde": report.commune.name,
        "datum": timezone.localdate().strftime("%d.%m.%Y"),
    }
    return template.text.format_map(values)


def note_template_by_name(report: Report, name: str) -> NoteTemplate:
    """The report's organisation's Textbaustein called ``name``; unknown names are a field error."""
    template = NoteTemplate.objects.filter(organisation_id=report.organisation_id, name=name).first()
    if template is None:
        raise ValidationFailed(
            {"template": [f"Textbaustein „{name}“ gibt es bei {report.organisation.name} nicht."]}
        )
    return template


def public_note_from(report: Report, public_note: str, template: str) -> str:
    """The note a status change carries: the typed note wins (a page script copies the template into it),
    else the named template filled in for ``report``."""
    if public_note or not template:
        return public_note
    return note_template_render(note_template_by_name(report, template), report)


def _clean(name: Any, text: Any) -> tuple[str, str]:
    name, errors = clean_text(name), {}
    text = clean_note(text, "text", label="Der Text")
    if not name:
        errors["name"] = ["Bitte einen Namen angeben."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein."]
    if not text:
        errors["text"] = ["Bitte einen Text angeben."]
    elif problems := placeholder_errors(text):
        errors["text"] = problems
    if errors:
        raise ValidationFailed(errors)
    return name, text


def note_template_save(*, actor: Any, organisation_id: int, name: Any, text: Any) -> NoteTemplate:
    """Create or replace (same name) a Textbaustein; only the organisation's admins may."""
    name, text = _clean(name, text)
    require_admin(actor, organisation_id)
    try:
        with transaction.atomic():
            template, created = NoteTemplate.objects.update_or_create(
                organisation_id=organisation_id, name=name, defaults={"text": text}
            )
            audit(
                actor=actor,
                action="note_template.save",
                obj=template,
                organisation=organisation_id,
                summary=f"Textbaustein „{name}“ {'angelegt' if created else 'geändert'}",
            )
    except IntegrityError:  # two admins saved the same new name at once
        raise ValidationFailed({"name": ["Diesen Namen gibt es schon."]}) from None
    return template


def note_template_delete(*, actor: Any, organisation_id: int, template_id: int) -> None:
    require_admin(actor, organisation_id)
    with transaction.atomic():
        template = NoteTemplate.objects.filter(pk=template_id, organisation_id=organisation_id).first()
        if template is None:
            raise NotFound("Textbaustein nicht gefunden.")
        audit(
            actor=actor,
            action="note_template.delete",
            obj=template,
            organisation=organisation_id,
            summary=f"Textbaustein „{template.name}“ gelöscht",
        )
        template.delete()
