"""Import commune boundaries (our GeoJSON or BKG's own VG250 files) as dated versions.

The pipeline, all inside one transaction so that a failure leaves the previous data untouched:

1. read the file through GDAL (GeoJSON, GeoPackage, Shapefile, also ``.gz``), recognise the field names of
   either our shipped files (``ags``, ``name``, …) or VG250 (``AGS``, ``GEN``, ``BEZ``, ``GF``), keep land
   areas (``GF = 4``) of Saxony (AGS prefix ``14``) and reproject to EPSG:25833 in GDAL;
2. stage the features in a temporary table, repair invalid geometries with ``ST_MakeValid`` (and say so),
   merge duplicate rows per AGS (VG250 has several rows per commune);
3. compare with the current versions: unchanged communes stay as they are (idempotent), changed ones get a
   new version from ``valid_from`` while the old one is closed, communes missing from a complete file are
   closed (mergers);
4. districts are the union of their communes; a district whose name or area changed gets a new version
   and so do its communes (each commune version points to exactly one district version);
5. rebuild the subdivided lookup table (``ST_Subdivide``, ≤ 256 vertices per part) used for assignment.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeomType
from django.db import connection, transaction

from boundaries.models import BoundaryImport, Commune, CommunePart, District
from boundaries.signals import communes_loaded
from geo.srid import STORAGE_SRID

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_COMMUNES = DATA_DIR / "sachsen_gemeinden_2024.geojson.gz"
DEFAULT_DISTRICT_NAMES = DATA_DIR / "sachsen_kreise_2024.csv"
SHIPPED_EDITION_YEAR = 2016  # boundaries/data: VG250 geometry of 2016, mergers up to 2024 (SOURCES.md)
ATTRIBUTION_TEMPLATE = "© GeoBasis-DE / BKG ({year}), dl-de/by-2-0, Daten verändert"
ATTRIBUTION = ATTRIBUTION_TEMPLATE.format(year=SHIPPED_EDITION_YEAR)  # of the shipped data

SAXONY_PREFIX = "14"
MAX_PART_VERTICES = 256
# Districts are recomputed as the union of their communes; unions of the same polygons can differ in
# floating-point noise, so a district counts as changed only if its area differs by more than this.
DISTRICT_TOLERANCE_M2 = 1.0
# Communes missing from the file are closed (merged away) — but only in districts the file covers, so an
# extract of a few districts leaves the others alone. Closing more than this share of a district at once
# is almost certainly a truncated file; it is refused unless --allow-closing is given.
MAX_CLOSING_SHARE = 0.25

LAND_AREA_GF = 4
POLYGON_TYPES = {"Polygon", "MultiPolygon", "Polygon25D", "MultiPolygon25D"}


class BoundaryImportError(Exception):
    """A problem with the input file, explained in German for the person running the import."""


Progress = Callable[[str], None]


@dataclass
class FieldMap:
    ags: str
    name: str
    ars: str | None = None
    bez: str | None = None
    gf: str | None = None
    name_official: str | None = None
    kreis_name: str | None = None
    valid_on: str | None = None

    @classmethod
    def for_layer(cls, fields: list[str]) -> FieldMap:
        by_lower = {f.lower(): f for f in fields}
        ags = by_lower.get("ags")
        name = by_lower.get("name") or by_lower.get("gen")
        missing = [label for label, value in (("AGS", ags), ("Name (name oder GEN)", name)) if not value]
        if missing:
            raise BoundaryImportError(
                f"Pflichtfeld fehlt: {', '.join(missing)}. Vorhandene Felder: {', '.join(fields) or '—'}. "
                "Erwartet wird unser GeoJSON (ags, name, …) oder VG250 (AGS, GEN, BEZ, GF)."
            )
        assert ags and name
        return cls(
            ags=ags,
            name=name,
            ars=by_lower.get("ars"),
            bez=by_lower.get("bez"),
            gf=by_lower.get("gf"),
            name_official=by_lower.get("name_official"),
            kreis_name=by_lower.get("kreis_name"),
            valid_on=by_lower.get("valid_on"),
        )


@dataclass
class StagedCommune:
    ags: str
    name: str
    ars: str
    bez: str
    name_official: str
    kreis_name: str
    wkb: bytes


@dataclass
class ImportResult:
    valid_from: dt.date
    read: int = 0
    skipped_other_states: int = 0
    skipped_water: int = 0
    communes: int = 0
    created: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)
    districts_created: list[str] = field(default_factory=list)
    parts: int = 0
    already_imported: bool = False
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.closed or self.districts_created)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def gdal_path(path: Path) -> str:
    """GDAL reads gzip-compressed files through its /vsigzip/ virtual file system."""
    return f"/vsigzip/{path}" if path.suffix == ".gz" else str(path)


def open_source(path: Path) -> DataSource:
    if not path.exists():
        raise BoundaryImportError(f"Datei nicht gefunden: {path}")
    try:
        return DataSource(gdal_path(path))
    except GDALException as exc:
        raise BoundaryImportError(
            f"Die Datei {path.name} lässt sich nicht lesen (kein GeoJSON, GeoPackage oder Shapefile?): {exc}"
        ) from None


def pick_layer(ds: DataSource, pattern: str, *, required: bool = True):
    """The commune layer of a multi-layer source (VG250 GeoPackage/Shapefile folder) is ``*gem*``."""
    layers = [ds[i] for i in range(len(ds))]
    matching = [layer for layer in layers if pattern in layer.name.lower()]
    if matching:
        return matching[0]
    if not required:
        return None
    if len(layers) == 1:
        return layers[0]
    names = ", ".join(layer.name for layer in layers)
    raise BoundaryImportError(f"Keine Gemeinde-Ebene gefunden (Ebenen: {names}); erwartet z. B. vg250_gem.")


def _text(feature, field_name: str | None) -> str:
    if not field_name:
        return ""
    value = feature.get(field_name)
    return "" if value is None else str(value).strip()


def _ags(feature, fmap: FieldMap) -> str:
    value = feature.get(fmap.ags)
    if isinstance(value, int | float):  # some tools write AGS as a number and drop the leading zero
        value = f"{int(value):08d}"
    ags = "" if value is None else str(value).strip()
    if not (len(ags) == 8 and ags.isdigit()):
        raise BoundaryImportError(
            f"Objekt {feature.fid}: ungültiger Gemeindeschlüssel {ags!r} (8 Ziffern erwartet)."
        )
    return ags


def _stage_feature(
    feature, fmap: FieldMap, prefix: str, result: ImportResult, file_dates: set[dt.date]
) -> StagedCommune | None:
    """Validate one feature and reproject it to EPSG:25833; None for other states and water areas."""
    ags = _ags(feature, fmap)
    if not ags.startswith(prefix):
        result.skipped_other_states += 1
        return None
    if fmap.gf and feature.get(fmap.gf) not in (None, LAND_AREA_GF, str(LAND_AREA_GF)):
        result.skipped_water += 1
        return None
    geom = feature.geom
    if geom is None or OGRGeomType(geom.geom_type.num).name not in POLYGON_TYPES:
        kind = "keine Geometrie" if geom is None else geom.geom_type.name
        raise BoundaryImportError(f"Gemeinde {ags}: Flächengeometrie erwartet, gefunden: {kind}.")
    name = _text(feature, fmap.name)
    if not name:
        raise BoundaryImportError(f"Gemeinde {ags}: Name fehlt.")
    if fmap.valid_on and isinstance(feature.get(fmap.valid_on), dt.date):
        file_dates.add(feature.get(fmap.valid_on))
    geom.transform(STORAGE_SRID)
    if geom.coord_dim == 3:
        geom.coord_dim = 2
    return StagedCommune(
        ags=ags,
        name=name,
        ars=_text(feature, fmap.ars),
        bez=_text(feature, fmap.bez),
        name_official=_text(feature, fmap.name_official),
        kreis_name=_text(feature, fmap.kreis_name),
        wkb=bytes(geom.wkb),
    )


def read_features(
    path: Path, *, progress: Progress, prefix: str = SAXONY_PREFIX
) -> tuple[list[StagedCommune], ImportResult, dt.date | None]:
    ds = open_source(path)
    layer = pick_layer(ds, "gem")
    fmap = FieldMap.for_layer(list(layer.fields))
    if layer.srs is None:
        raise BoundaryImportError(
            f"Die Ebene {layer.name} hat kein Koordinatenbezugssystem (CRS); bei Shapefiles fehlt die .prj-Datei."
        )
    total = len(layer)
    progress(f"Lese {total} Objekte aus {path.name} (Ebene {layer.name}, CRS {layer.srs.name})")
    result = ImportResult(valid_from=dt.date.min)
    staged: list[StagedCommune] = []
    file_dates: set[dt.date] = set()
    for index, feature in enumerate(layer, start=1):
        result.read += 1
        item = _stage_feature(feature, fmap, prefix, result, file_dates)
        if item is not None:
            staged.append(item)
        if index % 100 == 0 or index == total:
            progress(f"  {index}/{total} gelesen")
    if not staged:
        raise BoundaryImportError(
            f"Die Datei enthält keine sächsischen Gemeinden (AGS beginnt mit {prefix})."
        )
    file_date = file_dates.pop() if len(file_dates) == 1 else None
    return staged, result, file_date


def district_names(path: Path | None, source: Path) -> dict[str, tuple[str, str]]:
    """District names/designations: a VG250 ``*krs*`` layer next to the communes, else the bundled CSV."""
    names: dict[str, tuple[str, str]] = {}
    with DEFAULT_DISTRICT_NAMES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names[row["ags"]] = (row["name"], row["bez"])
    if path is not None and path.suffix != ".csv":
        ds = open_source(path)
    elif source.suffix in {".gpkg", ""} or source.is_dir():
        ds = open_source(source)
    else:
        ds = None
    if ds is not None:
        layer = pick_layer(ds, "krs", required=False)
        if layer is not None:
            fields = {f.lower(): f for f in layer.fields}
            for feature in layer:
                ags = str(feature.get(fields.get("ags", "AGS")) or "").strip()[:5]
                name = str(feature.get(fields.get("gen") or fields.get("name", "GEN")) or "").strip()
                bez = str(feature.get(fields["bez"]) or "").strip() if "bez" in fields else ""
                if len(ags) == 5 and name:
                    names[ags] = (name, bez or names.get(ags, ("", ""))[1])
    elif path is not None:
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names[row["ags"]] = (row["name"], row.get("bez", ""))
    return names


# --- SQL stages -------------------------------------------------------------------------------------


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


def _stage(staged: list[StagedCommune]) -> list[str]:
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


def _classify(valid_from: dt.date) -> tuple[list[str], list[str], list[str]]:
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


def _districts(
    valid_from: dt.date, names: dict[str, tuple[str, str]], kreis_names: dict[str, str], vanished: list[str]
) -> list[str]:
    """Create a new version for each district of the incoming communes whose name or area changed.

    A district's area is the union of its communes as they will be after this import: the incoming ones
    plus current communes of the same district that the file does not mention and that
    are not being closed. Returns the AGS of districts that got a new version.
    """
    created: list[str] = []
    with connection.cursor() as cur:
        cur.execute(
            """
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
            """,
            [vanished],
        )
        unions = cur.fetchall()
    for kags, union_wkb in unions:
        name, bez = names.get(kags) or (kreis_names.get(kags) or f"Kreis {kags}", "")
        current = District.objects.current().filter(ags=kags).first()
        if current is not None:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT ST_Area(ST_SymDifference(geom, %s::geometry)) FROM boundaries_district WHERE id = %s",
                    [union_wkb, current.id],
                )
                (diff,) = cur.fetchone()
            if current.name == name and current.bez == bez and diff <= DISTRICT_TOLERANCE_M2:
                continue
            if current.valid_from >= valid_from:
                raise BoundaryImportError(
                    f"Kreis {kags} hat bereits eine Version ab {current.valid_from:%d.%m.%Y}; "
                    f"Änderungen brauchen ein späteres Datum."
                )
            current.valid_to = valid_from
            current.save(update_fields=["valid_to"])
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


def _write_communes(valid_from: dt.date, to_create: list[str]) -> None:
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


def _rehome(valid_from: dt.date) -> list[str]:
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


def _vanished(incoming: set[str], *, allow_closing: bool) -> list[str]:
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


def import_communes(
    path: Path = DEFAULT_COMMUNES,
    *,
    valid_from: dt.date | None = None,
    districts: Path | None = None,
    allow_closing: bool = False,
    rebuild_index: bool = False,
    dry_run: bool = False,
    force: bool = False,
    edition_year: int | None = None,
    progress: Progress = lambda message: None,
) -> ImportResult:
    """Import ``path`` as the state of Saxony's communes from ``valid_from``. See the module docstring.

    ``edition_year``: year of the BKG edition, for the attribution (the shipped data: 2016)."""
    if edition_year is None and path.resolve() == DEFAULT_COMMUNES.resolve():
        edition_year = SHIPPED_EDITION_YEAR
    checksum = sha256_of(path) if path.is_file() else ""
    if checksum and not force and not dry_run:
        latest = BoundaryImport.objects.first()
        if (
            latest is not None
            and latest.sha256 == checksum
            and (valid_from is None or latest.valid_from == valid_from)
        ):
            result = ImportResult(valid_from=latest.valid_from, already_imported=True)
            result.unchanged = Commune.objects.current().count()
            communes_loaded.send(sender=ImportResult, valid_from=result.valid_from)
            return result

    staged, result, file_date = read_features(path, progress=progress)
    effective = valid_from or file_date
    if effective is None:
        raise BoundaryImportError(
            "Die Datei nennt kein einheitliches Gültigkeitsdatum (Feld valid_on); bitte --valid-from JJJJ-MM-TT angeben."
        )
    result.valid_from = effective
    result.dry_run = dry_run
    names = district_names(districts, path)
    kreis_names = {s.ags[:5]: s.kreis_name for s in staged if s.kreis_name}

    with transaction.atomic():
        progress("Prüfe und vereinige Geometrien …")
        result.repaired = _stage(staged)
        for ags in result.repaired:
            progress(f"  Geometrie von {ags} war ungültig und wurde mit ST_MakeValid repariert.")
        new, changed, unchanged = _classify(effective)
        incoming = set(new) | set(changed) | set(unchanged)
        result.communes = len(incoming)
        vanished = _vanished(incoming, allow_closing=allow_closing)
        result.districts_created = _districts(effective, names, kreis_names, vanished)
        if vanished:
            Commune.objects.current().filter(ags__in=vanished).update(valid_to=effective)
        to_create = sorted(set(new) | set(changed))
        _write_communes(effective, to_create)
        rehomed = _rehome(effective)
        result.created = sorted(set(to_create) | set(rehomed))
        result.closed = vanished
        result.unchanged = len(set(unchanged) - set(rehomed))
        progress("Aktualisiere Suchindex (ST_Subdivide) …")
        result.parts = rebuild_lookup_table(full=rebuild_index)
        with connection.cursor() as cur:
            cur.execute(DROP_STAGE_SQL)
        if dry_run:
            transaction.set_rollback(True)
        else:
            BoundaryImport.objects.create(
                source=str(path.name),
                sha256=checksum,
                valid_from=effective,
                communes_created=len(result.created),
                communes_closed=len(result.closed),
                communes_unchanged=result.unchanged,
                repaired=len(result.repaired),
                edition_year=edition_year,
            )
            communes_loaded.send(sender=ImportResult, valid_from=effective)
    return result


def iter_summary(result: ImportResult) -> Iterator[str]:
    prefix = "Probelauf (nichts gespeichert): " if result.dry_run else ""
    if result.already_imported:
        yield f"Keine Änderungen: diese Datei ist bereits importiert (gültig ab {result.valid_from:%d.%m.%Y})."
        return
    yield (
        f"{prefix}{result.communes} Gemeinden gelesen (gültig ab {result.valid_from:%d.%m.%Y}): "
        f"{len(result.created)} neue Versionen, {len(result.closed)} beendet, {result.unchanged} unverändert."
    )
    if result.skipped_water:
        yield f"{result.skipped_water} Wasserflächen (GF ≠ 4) übersprungen."
    if result.skipped_other_states:
        yield f"{result.skipped_other_states} Gemeinden anderer Länder übersprungen."
    if result.repaired:
        yield f"{len(result.repaired)} ungültige Geometrien repariert: {', '.join(result.repaired)}."
    if result.districts_created:
        yield f"Kreise mit neuer Version: {', '.join(result.districts_created)}."
    if result.closed:
        yield f"Beendet (z. B. durch Eingemeindung): {', '.join(result.closed)}."
    yield f"Suchindex: {result.parts} Teilflächen."
