"""``manage.py send_questionnaires [--as-of YYYY-MM-DD]``: send „Ist der Mangel behoben?“ to reporters
whose report's resolution is due (``reports.services.questionnaires``); the task worker runs the same once
a day. Each report is asked at most once, however often this runs."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports.services.questionnaires import questionnaires_send


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of erwartet ein Datum der Form JJJJ-MM-TT, nicht „{value}“.") from exc


class Command(BaseCommand):
    help = "Versendet fällige Rückfragen „Ist der Mangel behoben?“ an Meldende."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="Stichtag JJJJ-MM-TT (Standard: heute)")

    def handle(self, *args, **options) -> None:
        day = _day(options["as_of"]) if options["as_of"] else timezone.localdate()
        sent = questionnaires_send(as_of=day)
        self.stdout.write(f"Rückfragen versandt – Stichtag {day:%d.%m.%Y}: {sent}")
