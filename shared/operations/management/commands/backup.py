"""``manage.py backup [--dest DIR]``: database dump + every stored file with checksums (shared.operations.backup)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared.operations.backup import BackupFailed, backup_create


class Command(BaseCommand):
    help = "Sichert die Datenbank (pg_dump, custom format) und alle gespeicherten Dateien mit Prüfsummen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dest", type=Path, help="neuer Ordner (Standard: .local/backups/<Zeitstempel>)")

    def handle(self, *args, **options) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        dest: Path = options["dest"] or Path(settings.BASE_DIR) / ".local" / "backups" / stamp
        try:
            manifest = backup_create(dest)
        except BackupFailed as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.counts.values())
        size = sum(f["size"] for f in manifest.files)
        self.stdout.write(
            f"Sicherung {dest}: Datenbank {manifest.database} ({rows} Zeilen), "
            f"{len(manifest.files)} Dateien ({size} Bytes)"
        )
