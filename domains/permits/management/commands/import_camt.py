"""``manage.py import_camt FILE [--dry-run]``: book fee payments from a camt.053 bank statement."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from domains.permits.camt import StatementError, read_credits
from domains.permits.services import payments_import_credits

LABELS = {
    "paid": "verbucht",
    "wrong_amount": "Betrag weicht ab",
    "unknown_reference": "Referenz unbekannt",
    "already_paid": "bereits bezahlt",
    "cancelled": "Forderung storniert",
    "other_organisation": "Kassenzeichen einer anderen Stelle",
    "unknown_account": "Konto unbekannt",
}


class Command(BaseCommand):
    help = (
        "Liest einen Kontoauszug im Format camt.053 (ISO 20022); die IBAN des Auszugs bestimmt die "
        "Organisation. Ordnet Gutschriften über Kassenzeichen und Betrag deren offenen Gebühren zu, verbucht "
        "sie und listet alles, was nicht passt (unverändert)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="camt.053-Datei (XML)")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts verbuchen")

    def handle(self, *args, **options) -> None:
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Datei nicht lesbar: {exc.strerror}") from None
        try:
            credits = read_credits(data)
        except StatementError as exc:
            raise CommandError(str(exc)) from None
        outcomes = payments_import_credits(credits, dry_run=options["dry_run"])
        for outcome in outcomes:
            if outcome.result == "paid":
                continue
            credit = outcome.credit
            self.stdout.write(
                f"NICHT VERBUCHT ({LABELS[outcome.result]}): {credit.booked_on:%d.%m.%Y} {credit.amount} "
                f"{credit.currency} „{' / '.join(credit.references)[:80]}“ {outcome.kassenzeichen} – "
                f"{outcome.message}"
            )
        counts = Counter(o.result for o in outcomes)
        prefix = "Probelauf: " if options["dry_run"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{len(outcomes)} Gutschriften: "
                + ", ".join(f"{LABELS[key]} {counts.get(key, 0)}" for key in LABELS)
            )
        )
