"""A person's saved queue filter (imported at the end of ``domains.reports.models`` so the reports app
registers it). Private to its owner: every read and write goes through ``services`` with the owner's id."""

from __future__ import annotations

from django.conf import settings
from django.db import models

NAME_MAX = 80
QUERY_MAX = 500


class SavedFilter(models.Model):
    """A named query string of the queue's filters (``status=…&category=…``), kept in the normalised form
    ``services.normalised_query`` writes, for one person working in one organisation. When the person's
    membership ends the organisation's filters are no longer offered (``saved_filters_of``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_filters"
    )
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("Name", max_length=NAME_MAX)
    query = models.CharField("Filter", max_length=QUERY_MAX, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Gespeicherter Filter"
        verbose_name_plural = "Gespeicherte Filter"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "name"], name="one_saved_filter_name_per_person"
            )
        ]

    def __str__(self) -> str:
        return self.name
