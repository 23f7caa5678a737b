"""``manage.py issue_token USER --name NAME [--expires 90d]``: a new staff API token, printed once.

A person in several organisations names the one the token is for with ``--organisation AGS`` (or the
organisation's id); the token acts only there and only that organisation's admins see it.
``--list`` shows the user's tokens (name, key prefix, expiry); ``--revoke KEY_OR_NAME`` revokes the tokens
with that key prefix (as listed) or name, ``--revoke alle`` every token of the user.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kernel.core.errors import ValidationFailed
from kernel.organisations.api_tokens import api_token_issue, api_token_revoke, api_tokens_of_user
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import scope_of

EXPIRES = re.compile(r"^(\d{1,4})d?$")


def parse_days(value: str | None) -> int | None:
    if value is None:
        return None
    match = EXPIRES.match(value.strip().lower())
    if not match:
        raise CommandError(f"--expires: „{value}“ ist keine Dauer; erwartet z. B. 90d (Tage).")
    return int(match.group(1))


def _organisation(value: str | None) -> Organisation | None:
    if not value:
        return None
    value = value.strip()
    found = Organisation.objects.filter(ags=value).order_by("kind").first()
    if found is None and value.isascii() and value.isdigit() and len(value) <= 18:
        found = Organisation.objects.filter(pk=int(value)).first()
    if found is None:
        raise CommandError(f"--organisation: keine Organisation „{value}“ (AGS oder Nummer).")
    return found


class Command(BaseCommand):
    help = "Gibt ein benanntes API-Token für die Staff-API aus (nur einmal angezeigt), listet oder widerruft Tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", help="Bezeichnung des Tokens (z. B. die Anwendung)")
        parser.add_argument("--expires", help="Gültigkeit in Tagen, z. B. 90d (Vorgabe: 180d)")
        parser.add_argument(
            "--revoke", metavar="KEY_ODER_NAME", help="Tokens widerrufen (Schlüsselanfang, Name oder „alle“)"
        )
        parser.add_argument("--list", action="store_true", help="Tokens des Benutzers anzeigen")
        parser.add_argument(
            "--organisation", metavar="AGS", help="Organisation, für die das Token gilt (AGS oder Nummer)"
        )

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Kein aktiver Benutzer „{options['username']}“.")
        if options["list"]:
            self._list(user)
        elif options["revoke"]:
            self._revoke(user, options["revoke"])
        else:
            organisation = _organisation(options["organisation"])
            self._issue(user, options["name"], parse_days(options["expires"]), organisation)

    def _issue(self, user, name: str | None, days: int | None, organisation: Organisation | None) -> None:
        if not scope_of(user).is_staff:
            raise CommandError(f"{user.username} ist in keiner Organisation Mitglied (add_staff).")
        if not name:
            raise CommandError("Bitte mit --name angeben, wofür das Token ist (z. B. --name Fachverfahren).")
        try:
            issued = api_token_issue(actor=None, user=user, name=name, days=days, organisation=organisation)
        except ValidationFailed as exc:
            raise CommandError(" ".join(m for msgs in exc.errors.values() for m in msgs)) from None
        self.stderr.write(
            f"Token „{name}“ für {user.username}, gültig bis {timezone.localtime(issued.token.expiry):%d.%m.%Y}. "
            "Es wird nur jetzt angezeigt:"
        )
        self.stdout.write(issued.key)

    def _list(self, user) -> None:
        for token in api_tokens_of_user(user):
            expiry = timezone.localtime(token.expiry).strftime("%d.%m.%Y") if token.expiry else "unbegrenzt"
            org = token.organisation.name if token.organisation else "–"
            self.stdout.write(f"{token.token_key}\t{token.name}\t{org}\tbis {expiry}")

    def _revoke(self, user, which: str) -> None:
        tokens = api_tokens_of_user(user)
        if which != "alle":
            tokens = [
                t for t in tokens if t.name == which or (len(which) >= 6 and t.token_key.startswith(which))
            ]
        tokens = list(tokens)
        if not tokens:
            raise CommandError(f"Kein Token „{which}“ für {user.username}.")
        for token in tokens:
            api_token_revoke(actor=None, token=token)
        self.stdout.write(f"{len(tokens)} Token(s) von {user.username} widerrufen.")
