"""House addresses (official HK-DE house coordinates or OpenStreetMap), stored in EPSG:25833.

An address belongs to the commune by its AGS (a string, not a foreign key to a commune version): a
boundary change creates new commune versions, while the address stays the same place. ``search_text``
is the normalised form (``kernel.addresses.normalise``) that ranks an address among its street's houses.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex

from kernel.geo.srid import STORAGE_SRID


class Source(models.TextChoices):
    HK_DE = "hk-de", "Amtliche Hauskoordinaten (HK-DE)"
    OSM = "osm", "OpenStreetMap"


class Address(models.Model):
    street = models.CharField("Straße", max_length=200)
    housenumber = models.CharField("Hausnummer", max_length=20)
    suffix = models.CharField("Adresszusatz", max_length=20, blank=True)
    postcode = models.CharField("Postleitzahl", max_length=5, blank=True)
    place = models.CharField("Ort", max_length=200, blank=True)
    district_name = models.CharField("Ortsteil", max_length=200, blank=True)
    ags = models.CharField("Gemeindeschlüssel (AGS)", max_length=8, db_index=True)
    source = models.CharField("Quelle", max_length=10, choices=Source.choices)
    source_id = models.CharField("Kennung in der Quelle", max_length=64, blank=True)
    # HK-DE QUA: A = building inside the parcel, B = inside the parcel, R = interpolated ...; OSM: "osm".
    quality = models.CharField("Lagequalität", max_length=10, blank=True)
    geom = models.PointField("Lage", srid=STORAGE_SRID)  # spatial_index=True: a GiST index
    search_text = models.TextField("Suchtext (normalisiert)")
    street_key = models.TextField("Straße (normalisiert)")

    class Meta:
        verbose_name = "Adresse"
        verbose_name_plural = "Adressen"
        # No trigram index here: the search finds streets (``Street``) first and then their houses by
        # ``address_street_ags``; ``search_text`` only ranks those few rows.
        indexes = [
            models.Index(fields=["source", "ags"], name="address_source_ags"),
            models.Index(fields=["street_key", "ags"], name="address_street_ags"),
        ]

    def __str__(self) -> str:
        return label(self.street, self.housenumber + self.suffix, self.postcode, self.place)


class Street(models.Model):
    """One street of one commune (all its addresses, of every source), derived from :class:`Address` by
    ``kernel.addresses.services.streets_rebuild`` after each load. The search looks for streets here first and
    only then at their houses: about 25 times fewer rows than addresses, so a short or common query
    ("Dresden", "Goe" while typing) ranks a few thousand streets instead of 100,000 addresses."""

    street = models.CharField("Straße", max_length=200)
    street_key = models.TextField("Straße (normalisiert)")
    ags = models.CharField("Gemeindeschlüssel (AGS)", max_length=8)
    postcode = models.CharField("Postleitzahl", max_length=5, blank=True)
    place = models.CharField("Ort", max_length=200, blank=True)
    addresses = models.PositiveIntegerField("Adressen")
    # The house nearest to the houses' centroid: on the street, where a curved street's centroid may not be.
    geom = models.PointField("Lage", srid=STORAGE_SRID)
    # Normalised street, all its postcodes, places and Ortsteile (``kernel.addresses.normalise``).
    search_text = models.TextField("Suchtext (normalisiert)")

    class Meta:
        verbose_name = "Straße"
        verbose_name_plural = "Straßen"
        indexes = [
            GinIndex(fields=["search_text"], name="street_search_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["street_key", "ags"], name="street_unique_per_commune")
        ]

    def __str__(self) -> str:
        return label(self.street, "", self.postcode, self.place)


def label(street: str, number: str, postcode: str, place: str) -> str:
    """ "Prager Straße 12, 01069 Dresden" (parts left out when empty)."""
    head = f"{street} {number}".strip()
    tail = f"{postcode} {place}".strip()
    return f"{head}, {tail}" if tail else head
