"""``manage.py load_parking_zones PATH``: resident parking zones from GeoJSON (ags, code, name)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from domains.permits.services import parking_zones_load
from kernel.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Lädt Bewohnerparkgebiete aus einer GeoJSON-Datei (Eigenschaften ags, code, name; WGS84)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args, **options) -> None:
        try:
            created, existing = parking_zones_load(options["path"])
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"Parkgebiete: {created} neu, {existing} aktualisiert."))
