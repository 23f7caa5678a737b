"""``manage.py restore_check BACKUP [--restore-files] [--sample N]``: compare this environment with a set.

Run by ``restore_drill`` in a child process whose DATABASE_URL and MEDIA_ROOT point at the restored copy;
useful on its own after a real restore too (without ``--restore-files`` it only compares).
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared.operations.backup import BackupFailed
from shared.operations.restore import restore_check


class Command(BaseCommand):
    help = "Vergleicht Datenbank und Dateien mit einer Sicherung (Zeilen, Prüfsummen, Verfolgungslinks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--restore-files", action="store_true", help="Dateien vorher zurückspielen")
        parser.add_argument("--sample", type=int, default=50, help="so viele Dateien prüfen (0 = alle)")

    def handle(self, *args, **options) -> None:
        try:
            result = restore_check(
                options["backup"],
                default_storage,
                restore_files=options["restore_files"],
                sample=options["sample"],
            )
        except BackupFailed as exc:
            raise CommandError(str(exc)) from exc
        for fact in result.facts:
            self.stdout.write(f"ok: {fact}")
        if not result.ok:
            raise CommandError("\n".join(f"FEHLER: {p}" for p in result.problems))
