"""Merging and repairing geometry: staged features go into a temporary table, invalid ones are repaired
with ``ST_MakeValid`` (and reported), and VG250's several rows per commune are merged into one
MultiPolygon per AGS — all in PostgreSQL, inside the import's transaction.
"""

from __future__ import annotations

from django.db import connection

from kernel.boundaries.importer.common import BoundaryImportError
from kernel.boundaries.importer.sources import StagedCommune

DROP_STAGE_SQL = "DROP TABLE IF EXISTS boundary_stage, boundary_incoming"

STAGE_SQL = """
CREATE TEMP TABLE boundary_stage (
    ags varchar(8), name text, ars text, bez text, name_official text, kreis_name text,
    geom geometry(Geometry, 25833)
)
"""

MERGE_SQL = """
CREATE TEMP TABLE boundary_incoming AS
SELECT ags,
       max(name) AS name, max(ars) AS ars, max(bez) AS bez,
       max(name_official) AS name_official, max(kreis_name) AS kreis_name,
       ST_Multi(ST_CollectionExtract(
           CASE WHEN count(*) = 1 THEN (array_agg(geom))[1] ELSE ST_Union(geom) END, 3
       ))::geometry(MultiPolygon, 25833) AS geom
FROM boundary_stage
GROUP BY ags
"""


def stage_communes(staged: list[StagedCommune]) -> list[str]:
    """Load features into a temp table, repair invalid ones, merge per AGS. Returns the repaired AGS."""
    with connection.cursor() as cur:
        cur.execute(DROP_STAGE_SQL)
        cur.execute(STAGE_SQL)
        cur.executemany(
            "INSERT INTO boundary_stage VALUES (%s, %s, %s, %s, %s, %s, ST_GeomFromWKB(%s, 25833))",
            [(s.ags, s.name, s.ars, s.bez, s.name_official, s.kreis_name, s.wkb) for s in staged],
        )
        cur.execute("SELECT DISTINCT ags FROM boundary_stage WHERE NOT ST_IsValid(geom) ORDER BY ags")
        repaired = [row[0] for row in cur.fetchall()]
        if repaired:
            cur.execute(
                "UPDATE boundary_stage SET geom = ST_CollectionExtract(ST_MakeValid(geom), 3) "
                "WHERE NOT ST_IsValid(geom)"
            )
        cur.execute("DELETE FROM boundary_stage WHERE ST_IsEmpty(geom)")
        cur.execute(MERGE_SQL)
        cur.execute("SELECT ags FROM boundary_incoming WHERE ST_IsEmpty(geom) OR NOT ST_IsValid(geom)")
        broken = [row[0] for row in cur.fetchall()]
        if broken:
            raise BoundaryImportError(
                f"Geometrie nach Reparatur weiterhin ungültig oder leer: {', '.join(broken)}"
            )
    return repaired
