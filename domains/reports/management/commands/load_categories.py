"""``manage.py load_categories``: create or update the default category catalogue (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from domains.reports.services import categories_load_defaults


class Command(BaseCommand):
    help = "Legt den Standard-Kategorienkatalog an oder aktualisiert ihn (löscht nichts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Nur berichten, nichts speichern")

    def handle(self, *args, **options) -> None:
        created, updated = categories_load_defaults(dry_run=options["dry_run"])
        prefix = "Probelauf: " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}Kategorien: {created} neu, {updated} aktualisiert."))
