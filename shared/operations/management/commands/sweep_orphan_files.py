"""``manage.py sweep_orphan_files [--older-than SECONDS] [--dry-run]`` (shared.operations.orphans)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser

from shared.operations.orphans import sweep_orphan_files


class Command(BaseCommand):
    help = "Löscht hochgeladene Dateien, auf die kein Datensatz mehr verweist (Reste abgebrochener Uploads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=3600, help="nur Dateien älter als so viele Sekunden"
        )
        parser.add_argument("--dry-run", action="store_true", help="nur zählen, nichts löschen")

    def handle(self, *args, **options) -> None:
        result = sweep_orphan_files(
            min_age=dt.timedelta(seconds=options["older_than"]), dry_run=options["dry_run"]
        )
        verb = "gefunden" if options["dry_run"] else "gelöscht"
        self.stdout.write(f"{result.checked} Dateien geprüft, {len(result.deleted)} verwaiste {verb}.")
