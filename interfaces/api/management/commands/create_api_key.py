"""``manage.py create_api_key NAME``: issue an Open311 API key for a client application; shown once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interfaces.api.keys import api_key_create
from kernel.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Erzeugt einen API-Schlüssel (Open311 api_key) für eine Anwendung und gibt ihn einmal aus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Name der Anwendung, z. B. „Stadt-App Pirna“")

    def handle(self, *args, **options) -> None:
        try:
            issued = api_key_create(name=options["name"])
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(issued.key)
        self.stderr.write(
            f"API-Schlüssel für „{issued.api_key.name}“ erzeugt. Er wird nur dieses eine Mal angezeigt; "
            "gespeichert ist nur sein Hash. Widerrufen im Admin unter Schnittstellen › API-Schlüssel."
        )
