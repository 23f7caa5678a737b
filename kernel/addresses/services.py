"""Writes: replace one source's addresses commune by commune."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import connection, transaction

from kernel.addresses.importer import AddressRow, Refused
from kernel.addresses.models import Address, Street
from kernel.addresses.normalise import normalise, search_text, sql_normalise
from kernel.boundaries.assignment import assign_many
from kernel.boundaries.models import Commune
from kernel.geo.srid import STORAGE_SRID

BATCH = 5000
ADDR = Address._meta.db_table
STREET = Street._meta.db_table
PLACES = sql_normalise("string_agg(DISTINCT concat_ws(' ', a.postcode, a.place, a.district_name), ' ')")
# One row per (street_key, ags) from all sources; the search text adds every postcode, place and Ortsteil
# of the street's houses, so "Prager Straße 01069" and "Prager Straße Altstadt" both find it.
STREETS_SQL = f"""
    INSERT INTO {STREET} (street, street_key, ags, postcode, place, addresses, geom, search_text)
    SELECT min(a.street), a.street_key, a.ags, min(a.postcode), min(a.place), count(*),
           ST_ClosestPoint(ST_Collect(a.geom), ST_Centroid(ST_Collect(a.geom))),
           btrim(a.street_key || ' ' || {PLACES})
    FROM {ADDR} a
    WHERE a.ags = ANY(%s)
    GROUP BY a.street_key, a.ags
"""


@dataclass
class LoadResult:
    loaded: int = 0
    replaced: int = 0
    communes: int = 0
    refused: list[Refused] = field(default_factory=list)
    ags_differs: int = 0


class _DryRun(Exception):
    """Raised inside the transaction so a dry run rolls back after counting."""


def _ags_by_commune_id(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    return dict(Commune.objects.filter(id__in=wanted).values_list("id", "ags"))


def _address(row: AddressRow, ags: str, source: str) -> Address:
    return Address(
        street=row.street,
        housenumber=row.housenumber,
        suffix=row.suffix,
        postcode=row.postcode,
        place=row.place,
        district_name=row.district_name,
        ags=ags,
        source=source,
        source_id=row.source_id,
        quality=row.quality,
        geom=Point(row.x, row.y, srid=STORAGE_SRID),
        search_text=search_text(
            street=row.street,
            number=row.housenumber + row.suffix,
            postcode=row.postcode,
            place=row.place,
            district_name=row.district_name,
        ),
        street_key=normalise(row.street),
    )


def addresses_load(
    *, items: Iterable[AddressRow | Refused], source: str, dry_run: bool = False
) -> LoadResult:
    """Load a file's rows for ``source`` in one transaction.

    The commune (AGS) comes from the boundary layer (``assign_many``, EPSG:25833), not from the file, so
    an address follows the commune that is responsible today; a point outside Saxony is refused. Every
    commune that has at least one new address loses its previous addresses of the same source, so
    loading a commune's file again replaces it and leaves other communes and the other source alone.
    """
    result = LoadResult()
    rows: list[AddressRow] = []
    for item in items:
        if isinstance(item, Refused):
            result.refused.append(item)
        else:
            rows.append(item)
    try:
        with transaction.atomic():
            _store(rows, source=source, result=result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _store(rows: list[AddressRow], *, source: str, result: LoadResult) -> None:
    commune_ids = assign_many([(r.x, r.y) for r in rows])
    ags_of = _ags_by_commune_id(commune_ids)
    objects: list[Address] = []
    for row, commune_id in zip(rows, commune_ids, strict=True):
        if commune_id is None:
            result.refused.append(Refused(0, f"{row.street} {row.housenumber}: liegt außerhalb Sachsens"))
            continue
        ags = ags_of[commune_id]
        result.ags_differs += bool(row.ags_in_file and row.ags_in_file != ags)
        objects.append(_address(row, ags, source))
    per_commune = Counter(a.ags for a in objects)
    result.replaced, _ = Address.objects.filter(source=source, ags__in=list(per_commune)).delete()
    Address.objects.bulk_create(objects, batch_size=BATCH)
    streets_rebuild(ags=list(per_commune))
    result.loaded = len(objects)
    result.communes = len(per_commune)


def streets_rebuild(*, ags: list[str]) -> int:
    """Derive the :class:`Street` rows of these communes from their addresses again (after a load)."""
    with transaction.atomic(), connection.cursor() as cur:
        Street.objects.filter(ags__in=ags).delete()
        cur.execute(STREETS_SQL, [ags])
        return cur.rowcount
