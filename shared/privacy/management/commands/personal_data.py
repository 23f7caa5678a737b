"""``manage.py personal_data --email ADDRESS (--export FILE.json | --erase)``: a person's request for
access (Art. 15 DSGVO) or erasure (Art. 17) across every organisation, recorded and audited
(``shared.privacy.requests``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kernel.core.errors import ValidationFailed
from shared.privacy.registry import person_sources
from shared.privacy.requests import personal_data_erase, personal_data_export


class Command(BaseCommand):
    help = "Auskunft (--export) oder Löschung (--erase) der Daten einer Person, über alle Organisationen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="E-Mail-Adresse der Person")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", metavar="DATEI.json", help="Auskunft als JSON-Datei schreiben")
        action.add_argument("--erase", action="store_true", help="Personenbezogene Angaben löschen")

    def handle(self, *args, **options) -> None:
        try:
            if options["erase"]:
                counts = personal_data_erase(email=options["email"])
                self.stdout.write(
                    "Gelöscht: {reports} Meldung(en), {permits} Sondernutzung(en), "
                    "{parking_permits} Parkausweis(e), {mails} E-Mail(s), "
                    "{subscriptions} Benachrichtigung(en)".format(**counts)
                    + "".join(f", {counts[src.name]} {src.label}" for src in person_sources())
                    + "."
                )
                return
            path = Path(options["export"])
            if not path.parent.is_dir():
                raise CommandError(f"Das Verzeichnis „{path.parent}“ gibt es nicht.")
            data = personal_data_export(email=options["email"])
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(
            f"Auskunft geschrieben: {path} ({len(data['reports'])} Meldung(en), {len(data['permits'])} "
            f"Sondernutzung(en), {len(data['parking_permits'])} Parkausweis(e), {len(data['mails'])} E-Mail(s)"
            + "".join(f", {len(data[src.name])} {src.label}" for src in person_sources())
            + ")."
        )
