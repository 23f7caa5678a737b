"""``manage.py load_population FILE.csv [--dry-run]`` — inhabitants per commune (see kernel.boundaries.population)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kernel.boundaries.population import population_load


class Command(BaseCommand):
    help = "Lädt die Einwohnerzahlen der Gemeinden (CSV mit Spalten ags und population). Alles oder nichts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen und zählen")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["path"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{options['path']}: nicht lesbar (UTF-8 erwartet).") from exc
        result = population_load(text=text, dry_run=options["dry_run"])
        if result.errors:
            raise CommandError("Nichts geändert:\n" + "\n".join(result.errors))
        verb = "würden geändert" if options["dry_run"] else "geändert"
        self.stdout.write(f"{result.updated} Gemeinden {verb}, {result.unchanged} unverändert.")
