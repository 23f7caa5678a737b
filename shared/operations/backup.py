"""A backup set: the database as a ``pg_dump`` custom-format archive plus every stored file with its checksum.

A set is one folder::

    db.dump         pg_dump --format=custom (restore with pg_restore, any table on its own if needed)
    files/<name>    a copy of every file in the media storage (local folder or object store alike)
    manifest.json   when, from which database, row counts per model, and every file: name, size, sha256,
                    whether a row refers to it

The copy of the files goes through ``default_storage``, so the same command backs up a local MEDIA_ROOT and
an S3 bucket. The counts and checksums are what ``restore_drill`` compares a restore against; they are
taken inside one REPEATABLE READ transaction, and ``pg_dump`` is started with that transaction's exported
snapshot, so counts and dump describe the same moment even while reports keep coming in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connection, models, transaction

from kernel.cases.models import LocatedCase
from kernel.cases.tracking import tracking_path_of

MANIFEST = "manifest.json"
DUMP = "db.dump"
FILES = "files"
CHUNK = 1024 * 1024
TRACKING_SAMPLES_PER_TYPE = 3
# Apps whose rows are counted and whose file fields are listed: this project's own, not Django's or
# third-party bookkeeping (sessions, task results), which a restore does not need to match.
PROJECT_APP_PREFIXES = (
    "addresses",
    "boundaries",
    "cases",
    "notifications",
    "organisations",
    "permits",
    "privacy",
    "reports",
)


class BackupFailed(Exception):
    """A step of the backup or the drill failed; the message says which, in German, for the operator."""


@dataclass
class Manifest:
    created: str
    database: str
    server_version: str
    counts: dict[str, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    # A few creators' tracking links as they were mailed (made with the SECRET_KEY of the backed-up
    # service): the drill opens them, so a restore run with another key fails. The set holds personal
    # data anyway (the dump); keep it encrypted and access-controlled (docs/operations.md).
    tracking_samples: list[dict[str, str]] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(self.__dict__, indent=1, ensure_ascii=False))

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            return cls(**json.loads((folder / MANIFEST).read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise BackupFailed(
                f"{folder / MANIFEST} ist keine lesbare Sicherungsbeschreibung: {exc}"
            ) from exc


def project_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APP_PREFIXES and not m._meta.proxy and m._meta.managed
    ]


def referenced_files() -> set[str]:
    """Every storage name that a row of the project refers to (all FileFields, all models)."""
    names: set[str] = set()
    for model in project_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.FileField):
                values = model._base_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)
                names.update(v for v in values if v)
    return names


def walk_storage(storage: Storage, prefix: str = "") -> list[str]:
    """All names in ``storage`` below ``prefix`` (works for file systems and object stores alike)."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [f"{prefix}{f}" for f in files]
    for d in dirs:
        names.extend(walk_storage(storage, f"{prefix}{d}/"))
    return sorted(names)


def sha256_of(storage: Storage, name: str, copy_to: Path | None = None) -> tuple[str, int]:
    """Checksum and size of a stored file; with ``copy_to`` the bytes are written there on the way."""
    digest = hashlib.sha256()
    size = 0
    out = None
    if copy_to is not None:
        copy_to.parent.mkdir(parents=True, exist_ok=True)
        out = copy_to.open("wb")
    try:
        with storage.open(name, "rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest(), size


def libpq_env(db: dict[str, Any]) -> dict[str, str]:
    """Connection parameters of a Django database as libpq environment variables (no password on argv)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def case_types() -> list[type[LocatedCase]]:
    return [
        m for m in apps.get_models() if issubclass(m, LocatedCase) and getattr(m, "tracking_url_name", "")
    ]


def tracking_samples() -> list[dict[str, str]]:
    """The newest cases of every case type with their creator's link path under the current key."""
    samples = []
    for model in case_types():
        newest = model._base_manager.order_by("-pk").values_list("public_id", flat=True)
        for public_id in newest[:TRACKING_SAMPLES_PER_TYPE]:
            path = tracking_path_of(model, public_id)
            samples.append({"model": model._meta.label, "public_id": public_id, "path": path})
    return samples


def count_rows() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in project_models()}


def _dump(snapshot: str, target: Path) -> None:
    db = settings.DATABASES["default"]
    cmd = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}", db["NAME"]]
    result = subprocess.run(cmd, env=libpq_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(f"pg_dump ist fehlgeschlagen: {result.stderr.strip()}")


def backup_create(dest: Path) -> Manifest:
    """Write a backup set into the new folder ``dest``; returns its manifest.

    Counts, file list and dump come from one snapshot. Files are copied after the dump: a file that a
    report adds meanwhile is in the copy but not in the manifest (harmless); a file deleted meanwhile
    (retention) is missing from the copy and reported as an error, so the operator can run it again.
    """
    if dest.exists() and any(dest.iterdir()):
        raise BackupFailed(f"Der Zielordner {dest} ist nicht leer.")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)  # personal data: the operator's eyes only
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
        counts = count_rows()
        referenced = referenced_files()
        samples = tracking_samples()
        _dump(snapshot, dest / DUMP)
    manifest = Manifest(
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        database=settings.DATABASES["default"]["NAME"],
        server_version=version,
        counts=counts,
        tracking_samples=samples,
    )
    missing = []
    for name in sorted(set(walk_storage(default_storage)) | referenced):
        try:
            digest, size = sha256_of(default_storage, name, copy_to=dest / FILES / name)
        except FileNotFoundError:
            missing.append(name)
            continue
        manifest.files.append(
            {"name": name, "size": size, "sha256": digest, "referenced": name in referenced}
        )
    manifest.write(dest)
    if missing:
        raise BackupFailed(
            f"{len(missing)} Datei(en), auf die Datensätze verweisen, fehlen im Speicher "
            f"(z. B. {missing[0]}); die Sicherung in {dest} ist unvollständig."
        )
    return manifest


def copy_files_back(backup: Path, manifest: Manifest, storage: Storage) -> int:
    """Put every file of the set into ``storage`` under its old name (the restore of the media)."""
    for entry in manifest.files:
        src = backup / FILES / entry["name"]
        if not src.is_file():
            raise BackupFailed(f"Die Datei {entry['name']} fehlt in der Sicherung {backup}.")
        if storage.exists(entry["name"]):
            storage.delete(entry["name"])
        with src.open("rb") as fh:
            saved = storage.save(entry["name"], fh)
        if saved != entry["name"]:
            raise BackupFailed(f"Der Speicher hat {entry['name']} unter {saved} abgelegt.")
    return len(manifest.files)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
