"""Keys for client applications of the Open311 interface (one per app, e.g. a city's own app)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ApiKey(models.Model):
    """A client application's Open311 ``api_key``.

    Only a SHA-256 hash of the key is stored, so a database leak reveals no usable key; the key itself
    is printed once by ``manage.py create_api_key``. Keys are 256-bit random, so a fast hash is enough
    (no password hashing needed). ``prefix`` lets an operator recognise a key in the admin. Revoked keys
    stay for the record.
    """

    name = models.CharField("Anwendung", max_length=100)
    prefix = models.CharField("Kennung", max_length=12, help_text="Anfang des Schlüssels, zum Wiedererkennen")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField("Erstellt", default=timezone.now)
    revoked = models.DateTimeField("Widerrufen am", null=True, blank=True)

    class Meta:
        verbose_name = "API-Schlüssel"
        verbose_name_plural = "API-Schlüssel"
        ordering = ["name", "-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked is None
