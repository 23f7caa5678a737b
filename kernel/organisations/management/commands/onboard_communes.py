"""``manage.py onboard_communes FILE.csv [--dry-run]``: communes and their first admins in bulk.

Columns (``;`` or ``,``, UTF-8): AGS; Name Administration; E-Mail Administration; E-Mail Meldungen;
Telefon (optional); Internetseite (optional). The work is ``kernel.organisations.onboarding``; this
command only reads the file and prints one line per row.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kernel.organisations.onboarding import OnboardingFileError, onboard_communes


class Command(BaseCommand):
    help = "Legt Gemeinden an bzw. ergänzt sie und lädt ihre erste Administration per E-Mail ein (CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV-Datei (UTF-8): AGS; Name; E-Mail Admin; E-Mail Meldungen; …")
        parser.add_argument(
            "--dry-run", action="store_true", help="Nur prüfen und anzeigen, nichts speichern"
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Datei {path} lässt sich nicht lesen: {exc.strerror}") from None
        try:
            if options["dry_run"]:
                with transaction.atomic():  # every row's transaction nested in one that is rolled back:
                    outcomes = onboard_communes(actor=None, data=data)
                    transaction.set_rollback(True)  # no row stays and no mail is sent
            else:  # each row commits on its own (its invitation mail is queued then)
                outcomes = onboard_communes(actor=None, data=data)
        except OnboardingFileError as exc:
            raise CommandError(exc.message) from None
        for outcome in outcomes:
            line = outcome.describe()
            self.stdout.write(self.style.ERROR(line) if outcome.refused else line)
        refused = sum(o.refused for o in outcomes)
        summary = f"{len(outcomes)} Zeilen, {len(outcomes) - refused} übernommen, {refused} abgelehnt"
        self.stdout.write(summary + (" (Probelauf, nichts gespeichert)" if options["dry_run"] else "") + ".")
