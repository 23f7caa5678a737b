"""The restore drill: a backup set restored into a fresh database and media location, then checked.

A backup nobody has restored is a hope, not a backup. The drill does what a real restore does, in the order
docs/operations.md gives, but next to the running service:

1. a new database ``<name>_restore_drill`` on the same server (dropped first if an old drill left one),
   filled by ``pg_restore`` from the set's ``db.dump``;
2. a child process of this same code base whose settings point at that database and at an empty media
   location (``DRILL_MEDIA_ROOT``) puts the set's files back and checks (``restore_check``):
   the row counts per model equal the manifest's, every file a row refers to is there with the
   manifest's checksum (all of them, or a random sample with ``--sample``), and the creators' tracking
   links recorded at backup time (as they were mailed) open their pages — which also proves that the
   SECRET_KEY in use is the one the links were made with (a restore without it breaks every mailed link).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage
from django.test import Client

from shared.operations.backup import (
    DUMP,
    BackupFailed,
    Manifest,
    copy_files_back,
    count_rows,
    libpq_env,
    referenced_files,
    sha256_of,
)

DRILL_SUFFIX = "_restore_drill"


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(f"{cmd[0]} ist fehlgeschlagen: {(result.stderr or result.stdout).strip()}")


def restore_database(backup: Path, name: str) -> None:
    """(Re)create database ``name`` on the default database's server and restore the dump into it."""
    db = settings.DATABASES["default"]
    env = libpq_env(db)
    drop_database(name)
    _run(["createdb", name], env)
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name, str(backup / DUMP)],
        env,
    )


def drop_database(name: str) -> None:
    _run(["dropdb", "--if-exists", "--force", name], libpq_env(settings.DATABASES["default"]))


def database_url(name: str) -> str:
    """A ``DATABASE_URL`` for database ``name`` on the default database's server; user and password are
    percent-encoded, so a password with "@", ":" or "/" survives the URL (config.env.database_config)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgis://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def run_check_process(backup: Path, name: str, media_root: Path, sample: int) -> subprocess.CompletedProcess:
    """``manage.py restore_check`` against the restored database and the fresh media location."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(name),
        MEDIA_ROOT=str(media_root),
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.production"),
    )
    manage = Path(settings.BASE_DIR) / "manage.py"
    cmd = [sys.executable, str(manage), "restore_check", str(backup), "--restore-files", f"--sample={sample}"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


def _check_counts(manifest: Manifest, result: CheckResult) -> None:
    counts = count_rows()
    for label, expected in sorted(manifest.counts.items()):
        found = counts.get(label)
        if found != expected:
            result.problems.append(f"{label}: {found} Zeilen statt {expected}")
    result.facts.append(f"{sum(counts.values())} Zeilen in {len(counts)} Tabellen wie in der Sicherung")


def _check_files(manifest: Manifest, storage: Storage, sample: int, result: CheckResult) -> None:
    by_name = {f["name"]: f for f in manifest.files}
    referenced = sorted(referenced_files())
    unknown = [n for n in referenced if n not in by_name]
    if unknown:
        result.problems.append(f"{len(unknown)} Datei(en) ohne Eintrag in der Sicherung, z. B. {unknown[0]}")
    known = [n for n in referenced if n in by_name]
    chosen = known if sample <= 0 or sample >= len(known) else random.sample(known, sample)
    for name in chosen:
        try:
            digest, _size = sha256_of(storage, name)
        except FileNotFoundError:
            result.problems.append(f"Datei fehlt nach der Wiederherstellung: {name}")
            continue
        if digest != by_name[name]["sha256"]:
            result.problems.append(f"Prüfsumme weicht ab: {name}")
    result.facts.append(f"{len(chosen)} von {len(known)} Dateien mit gleicher Prüfsumme geprüft")


def _check_tracking(manifest: Manifest, result: CheckResult) -> None:
    """Open the links mailed before the backup; per case type at least one must show its case."""
    client = Client()
    by_type: dict[str, list[dict[str, str]]] = {}
    for sample in manifest.tracking_samples:
        by_type.setdefault(sample["model"], []).append(sample)
    for label, samples in sorted(by_type.items()):
        model = apps.get_model(label)
        opened = [s["public_id"] for s in samples if _opens(client, s["path"], s["public_id"])]
        if opened:
            result.facts.append(
                f"Verfolgungslink von {model._meta.verbose_name} {opened[0]} öffnet die Seite"
            )
        else:
            checked = ", ".join(s["public_id"] for s in samples)
            result.problems.append(
                f"Kein Verfolgungslink von {model._meta.verbose_name_plural} öffnet seine Seite "
                f"(geprüft: {checked}); stimmt der SECRET_KEY?"
            )


def _opens(client: Client, path: str, public_id: str) -> bool:
    response = client.get(path, secure=True, HTTP_HOST=_host())
    return response.status_code == 200 and public_id in response.content.decode(errors="replace")


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


def restore_check(backup: Path, storage: Storage, *, restore_files: bool, sample: int) -> CheckResult:
    """Run inside the restored environment: put the files back (if asked), then compare with the set."""
    manifest = Manifest.read(backup)
    result = CheckResult()
    if restore_files:
        result.facts.append(f"{copy_files_back(backup, manifest, storage)} Dateien zurückgespielt")
    _check_counts(manifest, result)
    _check_files(manifest, storage, sample, result)
    _check_tracking(manifest, result)
    return result
