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

The stages live in submodules by topic: ``sources`` (1, GDAL), ``geometry`` (2, repair and merge),
``versions`` (3–5, versions and parts), ``common`` (limits, error, result). This module runs them in order
and re-exports their public names, so callers (and tests that replace a stage, e.g.
``rebuild_lookup_table``) keep using ``kernel.boundaries.importer``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import connection, transaction

from kernel.boundaries.edition import ATTRIBUTION, ATTRIBUTION_TEMPLATE, SHIPPED_EDITION_YEAR
from kernel.boundaries.importer.common import (
    DATA_DIR,
    DEFAULT_COMMUNES,
    DEFAULT_DISTRICT_NAMES,
    DISTRICT_TOLERANCE_M2,
    MAX_CLOSING_SHARE,
    MAX_PART_VERTICES,
    SAXONY_PREFIX,
    BoundaryImportError,
    ImportResult,
    Progress,
    iter_summary,
)
from kernel.boundaries.importer.geometry import DROP_STAGE_SQL, stage_communes
from kernel.boundaries.importer.sources import (
    LAND_AREA_GF,
    POLYGON_TYPES,
    FieldMap,
    StagedCommune,
    district_names,
    gdal_path,
    open_source,
    pick_layer,
    read_features,
    sha256_of,
)
from kernel.boundaries.importer.versions import (
    classify_communes,
    district_versions,
    rebuild_lookup_table,
    rehome_communes,
    vanished_communes,
    write_communes,
)
from kernel.boundaries.models import BoundaryImport, Commune
from kernel.boundaries.signals import communes_loaded

__all__ = [
    "ATTRIBUTION",
    "ATTRIBUTION_TEMPLATE",
    "DATA_DIR",
    "DEFAULT_COMMUNES",
    "DEFAULT_DISTRICT_NAMES",
    "DISTRICT_TOLERANCE_M2",
    "LAND_AREA_GF",
    "MAX_CLOSING_SHARE",
    "MAX_PART_VERTICES",
    "POLYGON_TYPES",
    "SAXONY_PREFIX",
    "SHIPPED_EDITION_YEAR",
    "BoundaryImportError",
    "FieldMap",
    "ImportResult",
    "Progress",
    "StagedCommune",
    "district_names",
    "gdal_path",
    "import_communes",
    "iter_summary",
    "open_source",
    "pick_layer",
    "read_features",
    "rebuild_lookup_table",
    "sha256_of",
]


def _already_imported(checksum: str, valid_from: dt.date | None) -> ImportResult | None:
    """The answer for a file whose checksum (and date, if given) matches the latest import: nothing to do,
    but receivers still hear ``communes_loaded`` so a re-run repairs what depends on the communes."""
    latest = BoundaryImport.objects.first()
    if (
        latest is None
        or latest.sha256 != checksum
        or (valid_from is not None and latest.valid_from != valid_from)
    ):
        return None
    result = ImportResult(valid_from=latest.valid_from, already_imported=True)
    result.unchanged = Commune.objects.current().count()
    communes_loaded.send(sender=ImportResult, valid_from=result.valid_from)
    return result


def _write_versions(
    result: ImportResult,
    effective: dt.date,
    names: dict[str, tuple[str, str]],
    kreis_names: dict[str, str],
    *,
    allow_closing: bool,
    rebuild_index: bool,
    progress: Progress,
) -> None:
    """Steps 3–5 on the staged communes (inside the caller's transaction); fills in ``result``."""
    new, changed, unchanged = classify_communes(effective)
    incoming = set(new) | set(changed) | set(unchanged)
    result.communes = len(incoming)
    vanished = vanished_communes(incoming, allow_closing=allow_closing)
    result.districts_created = district_versions(effective, names, kreis_names, vanished)
    if vanished:
        Commune.objects.current().filter(ags__in=vanished).update(valid_to=effective)
    to_create = sorted(set(new) | set(changed))
    write_communes(effective, to_create)
    rehomed = rehome_communes(effective)
    result.created = sorted(set(to_create) | set(rehomed))
    result.closed = vanished
    result.unchanged = len(set(unchanged) - set(rehomed))
    progress("Aktualisiere Suchindex (ST_Subdivide) …")
    result.parts = rebuild_lookup_table(full=rebuild_index)


def _record(result: ImportResult, path: Path, checksum: str, edition_year: int | None) -> None:
    BoundaryImport.objects.create(
        source=str(path.name),
        sha256=checksum,
        valid_from=result.valid_from,
        communes_created=len(result.created),
        communes_closed=len(result.closed),
        communes_unchanged=result.unchanged,
        repaired=len(result.repaired),
        edition_year=edition_year,
    )
    communes_loaded.send(sender=ImportResult, valid_from=result.valid_from)


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
        done = _already_imported(checksum, valid_from)
        if done is not None:
            return done

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
        result.repaired = stage_communes(staged)
        for ags in result.repaired:
            progress(f"  Geometrie von {ags} war ungültig und wurde mit ST_MakeValid repariert.")
        _write_versions(
            result,
            effective,
            names,
            kreis_names,
            allow_closing=allow_closing,
            rebuild_index=rebuild_index,
            progress=progress,
        )
        with connection.cursor() as cur:
            cur.execute(DROP_STAGE_SQL)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _record(result, path, checksum, edition_year)
    return result
