"""The located-case core shared by reports (Mängelmeldungen) and permits (Sondernutzungen, Parkausweise).

Anything that happens *somewhere* in Saxony and is handled by a commune has: a geometry in EPSG:25833,
the commune version and district it was assigned to when it was created, a status, and timestamps.
Concrete apps narrow the geometry type and the status choices; they never copy this code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone

from kernel.geo.srid import STORAGE_SRID

if TYPE_CHECKING:
    from kernel.cases.workflow import Workflow


class LocatedCase(models.Model):
    """Abstract base of every case type. A concrete type adds ``public_id`` and its own fields, a history
    model (``StatusChangeBase`` with a foreign key ``related_name="history"``) and declares the class
    attributes below, which the kernel's services read (``kernel.cases.history``, ``kernel.cases.tracking``,
    ``kernel.cases.public_ids``).
    """

    workflow: ClassVar[Workflow]  # states and allowed moves
    audit_name: ClassVar[str]  # prefix of audit actions: "report" → "report.status"
    public_id_prefix: ClassVar[str]  # "SN" → SN-XXXX-XX
    tracking_namespace: ClassVar[str]  # HMAC namespace of the creator's link; never change a used one
    tracking_url_name: ClassVar[str]  # URL name of the creator's page, args (public_id, token)

    # Subclasses override this with a narrower field (PointField for reports, MultiPolygonField for permits).
    location = models.GeometryField("Ort", srid=STORAGE_SRID)
    # PROTECT: a commune version that cases refer to is never deleted; boundary changes add new versions.
    commune = models.ForeignKey(
        "boundaries.Commune",
        verbose_name="Gemeinde",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )
    district = models.ForeignKey(
        "boundaries.District",
        verbose_name="Landkreis / Kreisfreie Stadt",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )
    # The organisation responsible now (routing at creation, forwarding later). Staff scoping is by this.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="Zuständige Stelle",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )
    status = models.CharField("Status", max_length=32, db_index=True)
    # The citizen account (OpenID Connect login, citizens/) the case belongs to: set when created while
    # signed in or claimed through a link sent to the case's confirmed address; empty for anonymous cases.
    # Deleting the account keeps the case (SET_NULL) after its personal fields were erased.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Bürgerkonto",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_set",
    )
    created = models.DateTimeField("Erstellt", default=timezone.now, db_index=True)
    updated = models.DateTimeField("Geändert", auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created"]


class StatusChangeBase(models.Model):
    """One row of a case's status history. Concrete subclasses add the foreign key to their case.

    ``public_note`` is shown to citizens; ``internal_note`` only to staff of the responsible organisation.
    ``from_status`` is empty for the first entry (creation). ``organisation`` is the organisation that was
    responsible when the row was written: after a forward, the receiver sees the earlier rows' status and
    public note but not the sender's internal notes or staff names (``domains.reports.staff_selectors``).
    """

    from_status = models.CharField("Vorheriger Status", max_length=32, blank=True)
    to_status = models.CharField("Neuer Status", max_length=32)
    created = models.DateTimeField("Zeitpunkt", default=timezone.now, db_index=True)
    by_user = models.ForeignKey(
        "auth.User",
        verbose_name="Geändert von",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_note = models.TextField("Öffentliche Notiz", blank=True, max_length=4000)
    internal_note = models.TextField("Interne Notiz", blank=True, max_length=4000)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="Zuständig zu diesem Zeitpunkt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["created", "id"]
