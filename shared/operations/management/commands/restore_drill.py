"""``manage.py restore_drill [BACKUP]``: restore a backup set next to the service and check it.

Without BACKUP the newest set under ``.local/backups/`` is used. The restored database
(``<name>_restore_drill``) and media location (``.local/restore-drill/media``) are removed afterwards
unless ``--keep`` is given.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared.operations.backup import BackupFailed, remove_tree
from shared.operations.restore import DRILL_SUFFIX, drop_database, restore_database, run_check_process


def newest_backup() -> Path:
    root = Path(settings.BASE_DIR) / ".local" / "backups"
    sets = sorted(p for p in root.glob("*") if (p / "manifest.json").is_file()) if root.is_dir() else []
    if not sets:
        raise CommandError(f"Keine Sicherung unter {root} gefunden (zuerst: make backup).")
    return sets[-1]


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung in eine neue Datenbank und einen neuen Dateiordner wieder her und prüft sie."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", nargs="?", type=Path, help="Sicherungsordner (Standard: die neueste)")
        parser.add_argument("--sample", type=int, default=50, help="so viele Dateien prüfen (0 = alle)")
        parser.add_argument("--media-root", type=Path, help="Dateiordner der Probe")
        parser.add_argument("--keep", action="store_true", help="Datenbank und Dateien der Probe behalten")

    def handle(self, *args, **options) -> None:
        backup: Path = options["backup"] or newest_backup()
        name = settings.DATABASES["default"]["NAME"] + DRILL_SUFFIX
        media_root: Path = (
            options["media_root"] or Path(settings.BASE_DIR) / ".local" / "restore-drill" / "media"
        )
        remove_tree(media_root)
        media_root.mkdir(parents=True)
        try:
            restore_database(backup, name)
            self.stdout.write(f"Datenbank {name} aus {backup} wiederhergestellt")
            check = run_check_process(backup, name, media_root, options["sample"])
        except BackupFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if not options["keep"]:
                drop_database(name)
                remove_tree(media_root)
        self.stdout.write(check.stdout.rstrip())
        if check.returncode != 0:
            raise CommandError(f"Wiederherstellungsprobe fehlgeschlagen:\n{check.stderr.strip()}")
        self.stdout.write("Wiederherstellungsprobe bestanden.")
