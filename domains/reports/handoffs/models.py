"""A hand-off and what the outsider did with it.

Imported at the end of ``domains.reports.models`` so Django registers them with the reports app. The
outsider's name and address are personal data of a business contact; they stay with the case's record.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone

from domains.reports.models import Report, ReportPhoto, StatusChange


class Handoff(models.Model):
    """One case handed to one outside party. The link works until ``expires`` unless ``revoked``; the
    ``nonce`` is part of the signed token, so a new hand-off of the same case gets a different link.

    ``organisation`` is the organisation whose staff handed it off: only its staff list and revoke it
    (``domains.reports.handoffs.selectors``); after a forward to another organisation the link ends.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="handoffs")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="Organisation"
    )
    name = models.CharField("Empfänger", max_length=200)
    email = models.EmailField("E-Mail", max_length=254)
    message = models.TextField("Nachricht", blank=True, max_length=2000)
    due = models.DateField("Zu erledigen bis")
    nonce = models.CharField(max_length=32)
    created = models.DateTimeField("Übergeben am", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires = models.DateTimeField("Link gültig bis")
    revoked = models.DateTimeField("Widerrufen am", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity = models.DateTimeField("Letzte Aktivität", null=True, blank=True)

    class Meta:
        verbose_name = "Übergabe an Externe"
        verbose_name_plural = "Übergaben an Externe"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["organisation", "revoked", "due"], name="handoff_out_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.name}"

    @property
    def label(self) -> str:
        """How the outsider appears in the history and the audit log."""
        return f"extern per Link ({self.name})"


class HandoffActivity(models.Model):
    """One update the outsider sent: the history row it wrote (status or note), the photo it added. The
    history shows such rows as "extern per Link (<name>)" (``domains.reports.staff_selectors``)."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="activities")
    change = models.OneToOneField(
        StatusChange, null=True, blank=True, on_delete=models.CASCADE, related_name="handoff_activity"
    )
    photo = models.ForeignKey(ReportPhoto, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Aktivität einer Übergabe"
        verbose_name_plural = "Aktivitäten von Übergaben"
        ordering = ["created", "id"]
