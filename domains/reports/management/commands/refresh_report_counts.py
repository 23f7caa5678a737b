"""``manage.py refresh_report_counts``: recount the reports per commune, status and category for the map.

The services keep the counts exact on every write; this repairs them after writes that bypass the
services (SQL bulk loads, restores) and makes every cached map tile stale. Idempotent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from domains.reports.tiles.counts import count_differences, rebuild_counts


class Command(BaseCommand):
    help = "Zählt die Meldungen je Gemeinde, Status und Kategorie für die Kartenkacheln neu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Nur die Abweichungen zählen")

    def handle(self, *args, **options) -> None:
        differences = count_differences()
        if options["dry_run"]:
            self.stdout.write(f"Probelauf: {differences} Zählwerte weichen ab.")
            return
        rows = rebuild_counts()
        self.stdout.write(
            self.style.SUCCESS(f"Meldungszahlen neu gezählt: {rows} Zeilen, {differences} korrigiert.")
        )
