"""The register of data-subject requests (Art. 15 and 17 DSGVO): that a request was answered, by whom,
for which organisation and with how many cases — never who asked (the address is what was erased)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RequestKind(models.TextChoices):
    EXPORT = "export", "Auskunft (Art. 15 DSGVO)"
    ERASE = "erase", "Löschung (Art. 17 DSGVO)"


class PrivacyRequest(models.Model):
    kind = models.CharField("Art", max_length=10, choices=RequestKind.choices)
    # Empty: across every organisation (``manage.py personal_data`` of the platform operator).
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cases = models.PositiveIntegerField("Vorgänge", default=0)
    mails = models.PositiveIntegerField("E-Mails", default=0)
    created = models.DateTimeField("Zeitpunkt", auto_now_add=True)

    class Meta:
        verbose_name = "Datenschutz-Anfrage"
        verbose_name_plural = "Datenschutz-Anfragen"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created:%d.%m.%Y}"
