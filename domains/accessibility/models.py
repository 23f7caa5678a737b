"""Feedback on barriers (BITV 2.0 § 7 / Richtlinie (EU) 2016/2102 Art. 7(1)(b)): the statement on
``/barrierefreiheit/`` offers a form, and every submission is a case for the platform operator, who
must answer within one month (otherwise the person may go to the enforcement body).

Not a ``LocatedCase``: a barrier has no place on the map, no commune and no workflow beyond
open → answered. The e-mail address is personal data and falls under ``privacy.apply_retention``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

DESCRIPTION_MAX = 4000
PAGE_URL_MAX = 500


class FeedbackStatus(models.TextChoices):
    OPEN = "open", "Offen"
    ANSWERED = "answered", "Beantwortet"


class AccessibilityFeedback(models.Model):
    created = models.DateTimeField("Eingegangen", default=timezone.now, db_index=True)
    due = models.DateTimeField("Antwort fällig bis", help_text="Ein Monat nach Eingang (BITV 2.0 § 7).")
    description = models.TextField("Beschreibung der Barriere")
    page_url = models.CharField("Betroffene Seite", max_length=PAGE_URL_MAX, blank=True)
    email = models.EmailField("E-Mail (privat)", blank=True)
    status = models.CharField(
        "Stand", max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    answered = models.DateTimeField("Beantwortet am", null=True, blank=True)
    answer_note = models.TextField("Vermerk zur Antwort", blank=True)
    email_erased = models.DateTimeField("E-Mail gelöscht am", null=True, blank=True)

    class Meta:
        verbose_name = "Rückmeldung zur Barrierefreiheit"
        verbose_name_plural = "Rückmeldungen zur Barrierefreiheit"
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"], name="a11y_feedback_status_due")]

    def __str__(self) -> str:
        return f"Rückmeldung {self.pk} vom {timezone.localtime(self.created):%d.%m.%Y}"

    @property
    def overdue(self) -> bool:
        return self.status == FeedbackStatus.OPEN and self.due < timezone.now()
