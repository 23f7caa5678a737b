"""``manage.py load_permit_catalogue [--demo]``: kinds of special use; with --demo the Dresden/Leipzig
demo tariffs, fee zones and parking zones (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from domains.permits.services import parking_zones_load, permit_demo_load, permit_kinds_load_defaults

DEMO_PARKING_ZONES = Path(__file__).resolve().parents[2] / "data" / "parking_zones_demo.geojson"


class Command(BaseCommand):
    help = "Legt die Arten der Sondernutzung an; mit --demo auch Demo-Tarife und -Parkgebiete für Dresden und Leipzig."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, **options) -> None:
        kinds = permit_kinds_load_defaults()
        self.stdout.write(f"Arten der Sondernutzung: {kinds} neu.")
        if options["demo"]:
            tariffs, zones = permit_demo_load()
            created, existing = parking_zones_load(DEMO_PARKING_ZONES, update_existing=False)
            self.stdout.write(
                f"Demo: {tariffs} Tarife, {zones} Gebührenzonen, {created} Parkgebiete neu "
                f"({existing} vorhanden, unverändert)."
            )
