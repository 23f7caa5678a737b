"""``manage.py apply_retention [--as-of YYYY-MM-DD] [--dry-run]``: erase personal data whose retention
period is over (``shared.privacy.retention``); the task worker runs the same once a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from kernel.core.commands import add_as_of_argument, as_of_day
from shared.privacy.retention import KINDS, retention_apply


class Command(BaseCommand):
    help = "Löscht personenbezogene Daten, deren Aufbewahrungsfrist abgelaufen ist (DSGVO Art. 5 Abs. 1 e)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_as_of_argument(parser)
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts löschen")

    def handle(self, *args, **options) -> None:
        day = as_of_day(options)
        counts = retention_apply(as_of=day, dry_run=options["dry_run"])
        heading = "Probelauf, nichts gelöscht" if options["dry_run"] else "Gelöscht"
        self.stdout.write(f"{heading} – Stichtag {day:%d.%m.%Y}:")
        for kind, label in KINDS.items():
            self.stdout.write(f"  {label}: {counts[kind]}")
