"""Stored files that no row refers to any more: the leftovers of a process killed mid-upload.

A report's photos are written before its transaction commits (kernel.cases.files); an exception removes them, but a
process killed with SIGKILL (OOM killer, a node lost) cannot. Such a file is an orphan: nobody can reach it
through the app, yet it may hold personal data. This sweep deletes orphans older than an hour (so an upload
in progress is never touched), only below the folders the project's file fields write to (``upload_to``),
never other files in the same storage. It runs daily in the task worker and on demand
(``manage.py sweep_orphan_files``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone

from shared.operations.backup import project_models, referenced_files, walk_storage

logger = logging.getLogger(__name__)
DEFAULT_MIN_AGE = dt.timedelta(hours=1)


@dataclass
class Sweep:
    checked: int
    deleted: list[str]


def upload_prefixes() -> list[str]:
    """The folders the file fields of the project write to (their ``upload_to`` strings)."""
    prefixes = set()
    for model in project_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.FileField) and isinstance(f.upload_to, str) and f.upload_to:
                prefixes.add(f.upload_to.split("%", 1)[0].rstrip("/") + "/")
    return sorted(prefixes)


def sweep_orphan_files(
    *, min_age: dt.timedelta = DEFAULT_MIN_AGE, storage: Storage | None = None, dry_run: bool = False
) -> Sweep:
    """Delete unreferenced files older than ``min_age`` below the upload folders (``dry_run``: only list
    them); returns what it found."""
    storage = storage or default_storage
    referenced = referenced_files()
    cutoff = timezone.now() - min_age
    checked, deleted = 0, []
    for prefix in upload_prefixes():
        for name in walk_storage(storage, prefix):
            checked += 1
            if name in referenced:
                continue
            if min_age and storage.get_modified_time(name) > cutoff:
                continue
            if not dry_run:
                storage.delete(name)
            deleted.append(name)
    if deleted and not dry_run:
        logger.warning("deleted %d orphan file(s), e.g. %s", len(deleted), deleted[0])
    return Sweep(checked=checked, deleted=deleted)


def orphan_files_daily_job(day: dt.date) -> dict:
    result = sweep_orphan_files()
    return {"checked": result.checked, "deleted": len(result.deleted)}
