"""Writing versions and parts: compare the staged communes with the current versions, close and insert
commune and district versions from ``valid_from``, and keep the subdivided lookup table in line.

Each commune version points to exactly one district version, so a district that gets a new version
takes its communes along (``rehome_communes``).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from kernel.boundaries.importer.common import (
    DISTRICT_TOLERANCE_M2,
    MAX_CLOSING_SHARE,
    MAX_PART_VERTICES,
    BoundaryImportError,
)
from kernel.boundaries.models import Commune, CommunePart, District


def classify_communes(valid_from: dt.date) -> tuple[list[str], list[str], list[str]]:
    """Return (new AGS, changed AGS, unchanged AGS) of the incoming communes vs. current versions."""
    sql = """
        SELECT i.ags,
               c.id IS NULL AS is_new,
               c.id IS NOT NULL AND c.name = i.name AND c.ars = i.ars AND c.bez = i.bez
                   AND c.name_official = i.name_official
                   AND (ST_OrderingEquals(c.geom, i.geom) OR ST_Equals(c.geom, i.geom)) AS same,
               c.valid_from
        FROM boundary_incoming i
        LEFT JOIN boundaries_commune c ON c.ags = i.ags AND c.valid_to IS NULL
        ORDER BY i.ags
    """
    new, changed, unchanged = [], [], []
    with connection.cursor() as cur:
        cur.execute(sql)
        for ags, is_new, same, current_from in cur.fetchall():
            if is_new:
                new.append(ags)
            elif same:
                unchanged.append(ags)
            elif current_from >= valid_from:
                raise BoundaryImportError(
                    f"Gemeinde {ags} hat bereits eine Version ab {current_from:%d.%m.%Y}; eine geänderte Fassung "
                    f"braucht ein späteres Datum als --valid-from {valid_from:%d.%m.%Y}."
                )
            else:
                changed.append(ags)
    return new, changed, unchanged


DISTRICT_UNIONS_SQL = """
SELECT kags, ST_Multi(ST_CollectionExtract(ST_Union(geom), 3))
FROM (
    SELECT left(ags, 5) AS kags, geom FROM boundary_incoming
    UNION ALL
    SELECT left(c.ags, 5), c.geom FROM boundaries_commune c
    WHERE c.valid_to IS NULL AND NOT c.ags = ANY(%s)
      AND c.ags NOT IN (SELECT ags FROM boundary_incoming)
) AS after_import
WHERE kags IN (SELECT DISTINCT left(ags, 5) FROM boundary_incoming)
GROUP BY kags ORDER BY kags
"""


def _close_district_if_changed(kags: str, name: str, bez: str, union_wkb: bytes, valid_from: dt.date) -> bool:
    """Close the district's current version if its name or area changed; False if it stays as it is."""
    current = District.objects.current().filter(ags=kags).first()
    if current is None:
        return True
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_Area(ST_SymDifference(geom, %s::geometry)) FROM boundaries_district WHERE id = %s",
            [union_wkb, current.id],
        )
        (diff,) = cur.fetchone()
    if current.name == name and current.bez == bez and diff <= DISTRICT_TOLERANCE_M2:
        return False
    if current.valid_from >= valid_from:
        raise BoundaryImportError(
            f"Kreis {kags} hat bereits eine Version ab {current.valid_from:%d.%m.%Y}; "
            f"Änderungen brauchen ein späteres Datum."
        )
    current.valid_to = valid_from
    current.save(update_fields=["valid_to"])
    return True


def district_versions(
    valid_from: dt.date, names: dict[str, tuple[str, str]], kreis_names: dict[str, str], vanished: list[str]
) -> list[str]:
    """Create a new version for each district of the incoming communes whose name or area changed.

    A district's area is the union of its communes as they will be after this import: the incoming ones
    plus current communes of the same district that the file does not mention and that
    are not being closed. Returns the AGS of districts that got a new version.
    """
    created: list[str] = []
    with connection.cursor() as cur:
        cur.execute(DISTRICT_UNIONS_SQL, [vanished])
        unions = cur.fetchall()
    for kags, union_wkb in unions:
        name, bez = names.get(kags) or (kreis_names.get(kags) or f"Kreis {kags}", "")
        if not _close_district_if_changed(kags, name, bez, union_wkb, valid_from):
            continue
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO boundaries_district (ags, name, bez, geom, valid_from, valid_to)
                VALUES (%s, %s, %s, ST_Multi(%s::geometry), %s, NULL)
                """,
                [kags, name, bez, union_wkb, valid_from],
            )
        created.append(kags)
    return created


CURRENT_DISTRICT_OF = (
    "(SELECT d.id FROM boundaries_district d WHERE d.ags = left({alias}.ags, 5) AND d.valid_to IS NULL)"
)


def write_communes(valid_from: dt.date, to_create: list[str]) -> None:
    """Close the current versions of ``to_create`` and insert the incoming ones from ``valid_from``."""
    if not to_create:
        return
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE boundaries_commune SET valid_to = %s WHERE valid_to IS NULL AND ags = ANY(%s)",
            [valid_from, to_create],
        )
        cur.execute(
            f"""
            INSERT INTO boundaries_commune
                (ags, ars, name, name_official, bez, district_id, geom, valid_from, valid_to)
            SELECT i.ags, i.ars, i.name, i.name_official, i.bez, {CURRENT_DISTRICT_OF.format(alias="i")},
                   i.geom, %s, NULL
            FROM boundary_incoming i WHERE i.ags = ANY(%s)
            """,
            [valid_from, to_create],
        )


def rehome_communes(valid_from: dt.date) -> list[str]:
    """Give current communes whose district version was just closed a new version in the new district."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT c.ags FROM boundaries_commune c JOIN boundaries_district d ON d.id = c.district_id
            WHERE c.valid_to IS NULL AND d.valid_to IS NOT NULL ORDER BY c.ags
            """
        )
        ags_list = [row[0] for row in cur.fetchall()]
        if not ags_list:
            return []
        # Copy first, then close, then insert: only one current version per AGS may exist at any time.
        cur.execute(
            "CREATE TEMP TABLE boundary_rehome AS "
            "SELECT * FROM boundaries_commune WHERE valid_to IS NULL AND ags = ANY(%s)",
            [ags_list],
        )
        cur.execute(
            "UPDATE boundaries_commune SET valid_to = %s WHERE valid_to IS NULL AND ags = ANY(%s)",
            [valid_from, ags_list],
        )
        cur.execute(
            f"""
            INSERT INTO boundaries_commune
                (ags, ars, name, name_official, bez, district_id, geom, valid_from, valid_to)
            SELECT c.ags, c.ars, c.name, c.name_official, c.bez, {CURRENT_DISTRICT_OF.format(alias="c")},
                   c.geom, %s, NULL
            FROM boundary_rehome c
            """,
            [valid_from],
        )
        cur.execute("DROP TABLE boundary_rehome")
    return ags_list


def rebuild_lookup_table(*, full: bool = False) -> int:
    """Bring the subdivided parts in line with the commune versions; returns the number of parts.

    Incremental by default: parts of new versions are added, parts of closed versions get their end
    date. ``full`` recreates everything (after manual edits or a change of MAX_PART_VERTICES).
    """
    parts, communes = CommunePart._meta.db_table, Commune._meta.db_table
    with connection.cursor() as cur:
        if full:
            # DELETE, not TRUNCATE: TRUNCATE is refused while deferred FK checks of this transaction are pending.
            cur.execute(f"DELETE FROM {parts}")
        cur.execute(
            f"""
            UPDATE {parts} p SET valid_to = c.valid_to, valid_from = c.valid_from
            FROM {communes} c
            WHERE p.commune_id = c.id
              AND (p.valid_to IS DISTINCT FROM c.valid_to OR p.valid_from <> c.valid_from)
            """
        )
        cur.execute(
            f"""
            INSERT INTO {parts} (commune_id, ags, valid_from, valid_to, geom)
            SELECT c.id, c.ags, c.valid_from, c.valid_to, (ST_Dump(ST_Subdivide(c.geom, %s))).geom
            FROM {communes} c
            WHERE NOT EXISTS (SELECT 1 FROM {parts} p WHERE p.commune_id = c.id)
            """,
            [MAX_PART_VERTICES],
        )
        if cur.rowcount:
            cur.execute(f"ANALYZE {parts}")
        cur.execute(f"SELECT count(*) FROM {parts}")
        (count,) = cur.fetchone()
    return count


def vanished_communes(incoming: set[str], *, allow_closing: bool) -> list[str]:
    """Current communes of the districts in the file that the file no longer lists (mergers)."""
    districts = {ags[:5] for ags in incoming}
    current: dict[str, list[str]] = {}
    for ags in Commune.objects.current().values_list("ags", flat=True):
        if ags[:5] in districts:
            current.setdefault(ags[:5], []).append(ags)
    vanished: list[str] = []
    for kags, members in sorted(current.items()):
        gone = sorted(set(members) - incoming)
        if len(gone) > max(1, MAX_CLOSING_SHARE * len(members)) and not allow_closing:
            raise BoundaryImportError(
                f"Die Datei würde {len(gone)} von {len(members)} Gemeinden des Kreises {kags} beenden. "
                "Ist sie unvollständig? Falls das gewollt ist: --allow-closing."
            )
        vanished.extend(gone)
    return vanished
