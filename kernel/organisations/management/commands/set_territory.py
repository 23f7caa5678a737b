"""``manage.py set_territory ORG_ID FILE.geojson [--dry-run]`` / ``set_territory ORG_ID --clear``.

Platform operators set the territory of a body without a boundary of its own (kind "other", e.g. the
state road authority): its responsibility areas must lie inside it and routing hands it only cases
inside it. The file holds one Polygon or MultiPolygon in WGS84 (a geometry, a Feature or a
FeatureCollection with one feature). Idempotent: setting the same territory again changes nothing else.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.gis.geos import MultiPolygon
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kernel.core.errors import DomainError
from kernel.geo.coords import to_storage
from kernel.geo.geometry import parse_geojson_geometry
from kernel.organisations.models import Organisation
from kernel.organisations.services import organisation_set_territory
from kernel.organisations.territory import check_territory

MAX_FILE_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Legt das Gebiet einer sonstigen Stelle fest (nur Plattformbetrieb)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_id", type=int, help="ID der Organisation")
        parser.add_argument("file", nargs="?", help="GeoJSON-Datei (WGS84) mit einem (Multi-)Polygon")
        parser.add_argument("--clear", action="store_true", help="Gebiet entfernen")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(pk=options["org_id"]).first()
        if organisation is None:
            raise CommandError(f"Keine Organisation mit ID {options['org_id']}.")
        if options["clear"] == bool(options["file"]):
            raise CommandError("Bitte entweder eine GeoJSON-Datei oder --clear angeben.")
        territory = None if options["clear"] else self._read(Path(options["file"]))
        try:
            if options["dry_run"]:
                check_territory(organisation, territory)
            else:
                organisation_set_territory(actor=None, organisation=organisation, territory=territory)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        area = f"{territory.area / 1e6:.2f} km²" if territory is not None else "kein Gebiet"
        verb = "würde gesetzt" if options["dry_run"] else "gesetzt"
        self.stdout.write(self.style.SUCCESS(f"{organisation.name}: Gebiet {verb} ({area})."))

    def _read(self, path: Path) -> MultiPolygon:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} ist größer als {MAX_FILE_BYTES // 1024 // 1024} MB.")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} kann nicht gelesen werden: {exc}") from None
        try:
            geom = parse_geojson_geometry(text, allowed=("Polygon", "MultiPolygon"), field="file")
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from None
        geom = to_storage(geom)
        return MultiPolygon(geom, srid=geom.srid) if geom.geom_type == "Polygon" else geom
