"""``manage.py send_questionnaires [--as-of YYYY-MM-DD]``: send „Ist der Mangel behoben?“ to reporters
whose report's resolution is due (``domains.reports.services.questionnaires``); the task worker runs the same once
a day. Each report is asked at most once, however often this runs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from domains.reports.services.questionnaires import questionnaires_send
from kernel.core.commands import add_as_of_argument, as_of_day


class Command(BaseCommand):
    help = "Versendet fällige Rückfragen „Ist der Mangel behoben?“ an Meldende."

    def add_arguments(self, parser: CommandParser) -> None:
        add_as_of_argument(parser)

    def handle(self, *args, **options) -> None:
        day = as_of_day(options)
        sent = questionnaires_send(as_of=day)
        self.stdout.write(f"Rückfragen versandt – Stichtag {day:%d.%m.%Y}: {sent}")
