"""The outbox: every e-mail is a row first, written in the same transaction as the change it reports.

The task worker sends it later. A crash or a failing mail server therefore never loses a notification,
and a row that was sent is never sent again.
"""

from __future__ import annotations

from django.db import models


class OutgoingMail(models.Model):
    kind = models.CharField("Art", max_length=40, db_index=True)
    to = models.EmailField("Empfänger")
    subject = models.CharField("Betreff", max_length=300)
    body = models.TextField("Text")
    # What the mail is about, for the staff audit view ("report", "SN-7K3M-Q2").
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True, db_index=True)
    # Files sent with the mail (written notices): [{"name": storage name, "filename": …, "content_type": …}].
    # Only references: the file stays where its owner keeps it (private, under MEDIA_ROOT).
    attachments = models.JSONField("Anhänge", default=list, blank=True)
    # Extra mail headers, e.g. List-Unsubscribe / List-Unsubscribe-Post (RFC 8058) of subscription mails.
    headers = models.JSONField("Kopfzeilen", default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    sent = models.DateTimeField("Gesendet", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("Versuche", default=0)
    last_error = models.CharField("Letzter Fehler", max_length=300, blank=True)
    failed = models.BooleanField("Endgültig fehlgeschlagen", default=False)

    class Meta:
        verbose_name = "Ausgehende E-Mail"
        verbose_name_plural = "Ausgehende E-Mails"
        ordering = ["-created"]
        indexes = [models.Index(fields=["sent", "failed"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({'gesendet' if self.sent else 'offen'})"


class DailyJobRun(models.Model):
    """One row per daily job and day: written in the transaction that ran the job, so with several task
    workers a day's job runs exactly once (``kernel.notifications.daily``)."""

    job = models.CharField("Aufgabe", max_length=60)
    day = models.DateField("Tag")
    finished = models.DateTimeField("Beendet", auto_now_add=True)
    result = models.JSONField("Ergebnis", default=dict, blank=True)

    class Meta:
        verbose_name = "Tägliche Aufgabe"
        verbose_name_plural = "Tägliche Aufgaben"
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="one_daily_run_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%d.%m.%Y}"
