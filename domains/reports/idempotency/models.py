"""The idempotency key a report was created with (imported at the end of ``domains.reports.models`` so the
reports app registers it). Kept only as long as a client may retry: the daily retention run erases keys
older than ``services.KEY_RETENTION`` (``shared.privacy.retention``, kind ``idempotency_keys``)."""

from __future__ import annotations

from django.db import models


class ReportIdempotencyKey(models.Model):
    """One used key. ``key_hash`` is the SHA-256 of scope and key, so the table holds nothing a client
    sent in the clear; ``fingerprint`` is the SHA-256 of the request's content (``services.draft_fingerprint``):
    the same key with other content is a conflict, not a replay."""

    key_hash = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64)
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "Idempotenzschlüssel"
        verbose_name_plural = "Idempotenzschlüssel"

    def __str__(self) -> str:
        return f"Schlüssel für Meldung {self.report_id}"
