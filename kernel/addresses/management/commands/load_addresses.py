"""``manage.py load_addresses FILE [--source hk-de|osm] [--dry-run]``: house addresses for the search."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kernel.addresses.importer import hkde, osm
from kernel.addresses.models import Source
from kernel.addresses.services import addresses_load

SHOWN_REFUSALS = 50


def _guess_source(path: Path) -> str:
    return Source.OSM if path.name.endswith((".osm", ".osm.pbf", ".pbf")) else Source.HK_DE


class Command(BaseCommand):
    help = "Lädt Hausadressen (amtliche Hauskoordinaten HK-DE oder OpenStreetMap) für die Adresssuche."

    def add_arguments(self, parser):
        parser.add_argument("file", help="HK-DE-Textdatei oder OSM-Datei (.osm, .osm.pbf)")
        parser.add_argument("--source", choices=[s.value for s in Source], help="Standard: nach Dateiendung")
        parser.add_argument("--dry-run", action="store_true", help="Nur prüfen und zählen, nichts speichern")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        source = options["source"] or _guess_source(path)
        try:
            items = list(osm.read(path) if source == Source.OSM else hkde.read(path.read_bytes()))
        except Exception as exc:  # noqa: BLE001 - GDAL/OS errors of any kind: one clear German line
            raise CommandError(f"Datei kann nicht gelesen werden: {exc}") from exc
        result = addresses_load(items=items, source=source, dry_run=options["dry_run"])
        for refused in result.refused[:SHOWN_REFUSALS]:
            where = f"Zeile {refused.line}: " if refused.line else ""
            self.stderr.write(f"Abgelehnt: {where}{refused.reason}")
        if len(result.refused) > SHOWN_REFUSALS:
            self.stderr.write(f"… und {len(result.refused) - SHOWN_REFUSALS} weitere abgelehnte Zeilen")
        prefix = "Probelauf (nichts gespeichert): " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{result.loaded} Adressen in {result.communes} Gemeinden geladen (Quelle {source}), "
            f"{result.replaced} bisherige ersetzt, {len(result.refused)} abgelehnt"
            + (
                f", {result.ags_differs} mit abweichendem Gemeindeschlüssel in der Datei"
                if result.ags_differs
                else ""
            )
            + "."
        )
