"""``manage.py apply_retention [--as-of YYYY-MM-DD] [--dry-run]``: erase personal data whose retention
period is over (``privacy.retention``); the task worker runs the same once a day."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from privacy.retention import KINDS, retention_apply


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of erwartet ein Datum der Form JJJJ-MM-TT, nicht „{value}“.") from exc


class Command(BaseCommand):
    help = "Löscht personenbezogene Daten, deren Aufbewahrungsfrist abgelaufen ist (DSGVO Art. 5 Abs. 1 e)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="Stichtag JJJJ-MM-TT (Standard: heute)")
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts löschen")

    def handle(self, *args, **options) -> None:
        day = _day(options["as_of"]) if options["as_of"] else timezone.localdate()
        counts = retention_apply(as_of=day, dry_run=options["dry_run"])
        heading = "Probelauf, nichts gelöscht" if options["dry_run"] else "Gelöscht"
        self.stdout.write(f"{heading} – Stichtag {day:%d.%m.%Y}:")
        for kind, label in KINDS.items():
            self.stdout.write(f"  {label}: {counts[kind]}")
