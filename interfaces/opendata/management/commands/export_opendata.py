"""``manage.py export_opendata``: write today's open-data export now (the task worker does it nightly)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interfaces.opendata.export import KEEP, export_opendata, opendata_root
from kernel.core.commands import as_of_day


class Command(BaseCommand):
    help = "Öffentliche Meldungen und genehmigte Sondernutzungen als GeoPackage und CSV exportieren."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Datum des Exports (JJJJ-MM-TT), Standard: heute")
        parser.add_argument("--root", help="Zielordner, Standard: OPENDATA_ROOT")
        parser.add_argument("--keep", type=int, default=KEEP, help="so viele Exporte behalten (Standard 7)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = as_of_day(options, option="date")
        if options["keep"] < 1:
            raise CommandError("--keep: mindestens 1.")
        root = Path(options["root"]) if options["root"] else opendata_root()
        result = export_opendata(day=day, root=root, keep=options["keep"])
        self.stdout.write(
            f"Export {result['date']} in {root}: {result['datasets']} Datensätze, "
            f"{result['reports']} Meldungen; entfernt: {', '.join(result['removed']) or '–'}"
        )
