"""``manage.py send_fee_reminders [--as-of YYYY-MM-DD]``: mail the Zahlungserinnerungen due on a day
(``domains.permits.services.reminders``); the task worker runs the same once a day. Each fee is reminded at most
once, however often this runs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from domains.permits.services.reminders import fee_reminders_send
from kernel.core.commands import add_as_of_argument, as_of_day


class Command(BaseCommand):
    help = "Versendet fällige Zahlungserinnerungen zu offenen Gebühren."

    def add_arguments(self, parser: CommandParser) -> None:
        add_as_of_argument(parser)

    def handle(self, *args, **options) -> None:
        day = as_of_day(options)
        sent = fee_reminders_send(as_of=day)
        self.stdout.write(f"Zahlungserinnerungen versandt – Stichtag {day:%d.%m.%Y}: {sent}")
