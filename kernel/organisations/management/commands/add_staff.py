"""``manage.py add_staff --ags <AGS> --role <admin|caseworker|crew> --username <u> [--email <e>]``."""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kernel.core.errors import DomainError
from kernel.organisations.models import Organisation, Role
from kernel.organisations.services import commune_organisation, membership_set


class Command(BaseCommand):
    help = "Legt einen Benutzer an (falls nötig) und macht ihn zum Mitglied der Organisation einer Gemeinde."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ags", required=True, help="Gemeindeschlüssel (8 Ziffern) oder Kreisschlüssel")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--team", default="", help="Kolonne (für den Bauhof)")
        parser.add_argument("--password", help="Sonst wird danach gefragt (nicht in der Shell-Historie)")

    def handle(self, *args, **options) -> None:
        organisation = self._organisation(options["ags"])
        user_model = get_user_model()
        user = user_model.objects.filter(username=options["username"]).first()
        password = options["password"]
        with transaction.atomic():
            if user is None:
                if password is None:
                    password = self._prompt_password()
                user = user_model(username=options["username"], email=options["email"])
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError("Passwort ungeeignet: " + " ".join(exc.messages)) from None
                user.set_password(password)
                user.save()
                self.stdout.write(f"Benutzer {user.username} angelegt.")
            elif password:
                user.set_password(password)
                user.save(update_fields=["password"])
            try:
                membership = membership_set(
                    actor=None,
                    organisation=organisation,
                    username=user.username,
                    role=options["role"],
                    team=options["team"],
                    email=options["email"],
                )
            except DomainError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username} ist jetzt {membership.get_role_display()} bei {organisation.name}."
            )
        )

    def _organisation(self, ags: str) -> Organisation:
        if len(ags) == 8 and ags.isdigit():
            try:
                return commune_organisation(ags)
            except Organisation.DoesNotExist:
                raise CommandError(
                    f"Keine Gemeinde mit AGS {ags}. Sind die Gemeinden geladen (load_communes)?"
                ) from None
        org = Organisation.objects.filter(ags=ags).first()
        if org is None:
            raise CommandError(f"Keine Organisation mit Schlüssel {ags}.")
        return org

    def _prompt_password(self) -> str:
        first = getpass.getpass("Passwort: ")
        if first != getpass.getpass("Passwort (Wiederholung): "):
            raise CommandError("Die Passwörter stimmen nicht überein.")
        return first
