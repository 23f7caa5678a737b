"""Subscriptions by e-mail: follow one report, or get alerts for new reports in a commune or a drawn area.

Every subscription is personal data (an address and, for areas, where a person cares about): created
unconfirmed, mailed only after the double opt-in link was opened, deleted by the retention run when it
stayed unconfirmed, was cancelled, or its report's contact period is over (``shared.subscriptions.personal_data``).
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from domains.reports.models import Category, Report
from kernel.boundaries.selectors import commune_current
from kernel.geo.srid import STORAGE_SRID

# A drawn area may cover at most this many square metres (EPSG:25833 is metric): 100 km², a large town.
AREA_MAX_M2 = 100_000_000


class SubscriptionKind(models.TextChoices):
    REPORT = "report", "Meldung"
    COMMUNE = "commune", "Gemeinde"
    AREA = "area", "Gebiet"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "sofort"
    DAILY = "daily", "einmal täglich"


def email_digest(email: str) -> str:
    """The key of a person's management link: SHA-256 of the normalised address, so the link names no
    address and one person's subscriptions are found by an indexed column."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def new_nonce() -> str:
    """Part of every signed token of a subscription; renewed on re-subscribing, so old links stop working."""
    return secrets.token_urlsafe(16)


class Subscription(models.Model):
    kind = models.CharField("Art", max_length=10, choices=SubscriptionKind.choices)
    email = models.EmailField("E-Mail (privat)")
    email_digest = models.CharField(max_length=64, db_index=True, editable=False)
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    ags = models.CharField("Gemeindeschlüssel", max_length=8, blank=True)
    area = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID, null=True, blank=True)
    categories = models.ManyToManyField(Category, blank=True, verbose_name="Nur diese Kategorien")
    frequency = models.CharField(
        "Häufigkeit", max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created = models.DateTimeField("Angelegt", auto_now_add=True)
    confirmation_sent = models.DateTimeField("Bestätigung gesendet", null=True, blank=True)
    confirmed = models.DateTimeField("Bestätigt", null=True, blank=True, db_index=True)
    unsubscribed = models.DateTimeField("Abgemeldet", null=True, blank=True)

    class Meta:
        verbose_name = "Benachrichtigung"
        verbose_name_plural = "Benachrichtigungen"
        ordering = ["created", "pk"]
        # Commune alerts are looked up by AGS for every new report (the areas by their GiST index).
        indexes = [models.Index(fields=["ags"], condition=Q(kind="commune"), name="subscription_commune_ags")]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "email_digest"],
                condition=Q(report__isnull=False),
                name="one_follow_per_address_and_report",
            ),
            models.CheckConstraint(
                condition=(Q(kind="report") & Q(report__isnull=False))
                | (Q(kind="commune") & Q(report__isnull=True) & ~Q(ags=""))
                | (Q(kind="area") & Q(report__isnull=True) & Q(area__isnull=False)),
                name="subscription_target_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.email_digest = email_digest(self.email)
        super().save(*args, **kwargs)

    @cached_property
    def commune_name(self) -> str:
        """The current name of the subscribed commune (for mails and pages), else its AGS."""
        commune = commune_current(self.ags) if self.ags else None
        return commune.name if commune else self.ags

    @property
    def active(self) -> bool:
        return self.confirmed is not None and self.unsubscribed is None
