"""``manage.py load_communes [PATH] [--valid-from YYYY-MM-DD]`` — see kernel.boundaries.importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kernel.boundaries.importer import DEFAULT_COMMUNES, BoundaryImportError, import_communes, iter_summary


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--valid-from: Datum im Format JJJJ-MM-TT erwartet, nicht {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Lädt die Gemeindegrenzen Sachsens (GeoJSON, GeoPackage oder Shapefile, auch BKG VG250) als datierte "
        "Versionen. Ohne PATH die mitgelieferten Daten. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, default=DEFAULT_COMMUNES, help="Datei oder VG250-Ordner"
        )
        parser.add_argument("--valid-from", help="Gültig ab (JJJJ-MM-TT); sonst das Feld valid_on der Datei")
        parser.add_argument("--districts", type=Path, help="Kreisnamen: VG250-Datei mit *krs*-Ebene oder CSV")
        parser.add_argument(
            "--allow-closing",
            action="store_true",
            help="Erlaubt, mehr als ein Viertel der Gemeinden eines Kreises zu beenden",
        )
        parser.add_argument(
            "--rebuild-index", action="store_true", help="Suchindex (Teilflächen) komplett neu aufbauen"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Nur prüfen und berichten, nichts speichern"
        )
        parser.add_argument(
            "--force", action="store_true", help="Auch eine bereits importierte Datei neu vergleichen"
        )
        parser.add_argument(
            "--edition-year",
            type=int,
            help="Jahr der BKG-Ausgabe für die Quellenangabe „© GeoBasis-DE / BKG (Jahr)“ (mitgelieferte Daten: 2016)",
        )

    def handle(self, *args, **options) -> None:
        valid_from = _date(options["valid_from"]) if options["valid_from"] else None
        year = options["edition_year"]
        if year is not None and not 1990 <= year <= dt.date.today().year + 1:
            raise CommandError(f"--edition-year {year}: bitte das Jahr der BKG-Ausgabe (z. B. 2025).")
        verbosity = options["verbosity"]

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)

        try:
            result = import_communes(
                options["path"],
                valid_from=valid_from,
                districts=options["districts"],
                allow_closing=options["allow_closing"],
                rebuild_index=options["rebuild_index"],
                dry_run=options["dry_run"],
                force=options["force"],
                edition_year=options["edition_year"],
                progress=progress,
            )
        except BoundaryImportError as exc:
            raise CommandError(f"Import abgebrochen, es wurde nichts geändert: {exc}") from None
        for line in iter_summary(result):
            self.stdout.write(self.style.SUCCESS(line) if verbosity >= 1 else line)
