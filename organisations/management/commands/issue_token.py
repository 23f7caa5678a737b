"""``manage.py issue_token <username>``: print an API token for the staff API (creates or rotates it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from organisations.scoping import scope_of


class Command(BaseCommand):
    help = "Gibt ein API-Token für die Staff-API aus (ein bestehendes wird mit --rotate ersetzt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Altes Token ungültig machen, neues ausgeben"
        )

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Kein aktiver Benutzer „{options['username']}“.")
        if not scope_of(user).is_staff:
            raise CommandError(f"{user.username} ist in keiner Organisation Mitglied (add_staff).")
        if options["rotate"]:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
