"""Districts and communes of Saxony as dated versions, plus the subdivided lookup table.

A boundary change or merger never edits a row in place: the old version gets ``valid_to`` and a new
version starts. Reports and permits keep a foreign key to the version that was valid when they were
created, so old cases stay attached to the commune that handled them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.db.models import Q

from kernel.geo.srid import STORAGE_SRID

ags8 = RegexValidator(r"^\d{8}$", "Der Gemeindeschlüssel (AGS) hat 8 Ziffern.")
ags5 = RegexValidator(r"^\d{5}$", "Der Kreisschlüssel hat 5 Ziffern.")


class VersionQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> VersionQuerySet:
        """Versions in force on ``day`` (``valid_from`` inclusive, ``valid_to`` exclusive)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)

    def current(self) -> VersionQuerySet:
        return self.filter(valid_to__isnull=True)


class District(models.Model):
    """Landkreis or kreisfreie Stadt (5-digit AGS)."""

    ags = models.CharField("Kreisschlüssel", max_length=5, validators=[ags5], db_index=True)
    name = models.CharField("Name", max_length=200)
    bez = models.CharField("Bezeichnung", max_length=100, blank=True)
    geom = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID)
    valid_from = models.DateField("Gültig ab")
    valid_to = models.DateField("Gültig bis (ausschließlich)", null=True, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = "Landkreis / Kreisfreie Stadt"
        verbose_name_plural = "Landkreise / Kreisfreie Städte"
        ordering = ["ags", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["ags", "valid_from"], name="district_version_unique"),
            models.UniqueConstraint(
                fields=["ags"], condition=Q(valid_to__isnull=True), name="district_one_current"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="district_period_ordered",
            ),
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="district_geom_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ags})"


class Commune(models.Model):
    """Gemeinde (8-digit AGS) — one row per dated version."""

    ags = models.CharField("Gemeindeschlüssel (AGS)", max_length=8, validators=[ags8], db_index=True)
    ars = models.CharField("Regionalschlüssel (ARS)", max_length=12, blank=True)
    name = models.CharField("Name", max_length=200, db_index=True)
    name_official = models.CharField("Amtlicher Name", max_length=300, blank=True)
    bez = models.CharField("Bezeichnung", max_length=100, blank=True)
    district = models.ForeignKey(
        District, verbose_name="Landkreis", on_delete=models.PROTECT, related_name="communes"
    )
    geom = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID)
    valid_from = models.DateField("Gültig ab")
    valid_to = models.DateField("Gültig bis (ausschließlich)", null=True, blank=True)
    # Inhabitants (Statistisches Landesamt, e.g. VG250's EWZ) for "reports per 1,000 inhabitants" on the
    # statistics pages; empty when unknown — the pages then leave that figure out rather than guess.
    population = models.PositiveIntegerField("Einwohnerzahl", null=True, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = "Gemeinde"
        verbose_name_plural = "Gemeinden"
        ordering = ["name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["ags", "valid_from"], name="commune_version_unique"),
            models.UniqueConstraint(
                fields=["ags"], condition=Q(valid_to__isnull=True), name="commune_one_current"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="commune_period_ordered",
            ),
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="commune_geom_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ags})"


class CommunePart(models.Model):
    """Lookup table: communes cut into pieces of ≤ 256 vertices (ST_Subdivide), GiST-indexed.

    Point-in-polygon on a 5,000-vertex commune costs a walk over every edge; on a 256-vertex part whose
    bounding box already matched, it is cheap. The import rebuilds this table; nothing else writes it.
    The validity period is copied from the commune version so the lookup filters without a join.
    """

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="parts")
    ags = models.CharField(max_length=8)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    geom = models.PolygonField(srid=STORAGE_SRID)

    class Meta:
        verbose_name = "Gemeinde-Teilfläche (Suchindex)"
        verbose_name_plural = "Gemeinde-Teilflächen (Suchindex)"


class BoundaryImport(models.Model):
    """One run of ``load_communes``: which file (by checksum), which date, what changed."""

    source = models.CharField("Quelle", max_length=500)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    valid_from = models.DateField("Gültig ab")
    started = models.DateTimeField("Begonnen", auto_now_add=True)
    communes_created = models.PositiveIntegerField("Neue Gemeindeversionen", default=0)
    communes_closed = models.PositiveIntegerField("Beendete Gemeindeversionen", default=0)
    communes_unchanged = models.PositiveIntegerField("Unveränderte Gemeinden", default=0)
    repaired = models.PositiveIntegerField("Reparierte Geometrien", default=0)
    # Year of the BKG edition the geometry comes from, for the attribution "© GeoBasis-DE / BKG (year)".
    edition_year = models.PositiveSmallIntegerField("Ausgabejahr (BKG)", null=True, blank=True)

    class Meta:
        verbose_name = "Grenzdaten-Import"
        verbose_name_plural = "Grenzdaten-Importe"
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.source} ({self.valid_from})"
