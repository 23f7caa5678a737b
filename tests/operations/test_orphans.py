"""Files no row refers to (a process killed mid-upload) are swept after an hour, only in upload folders."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from kernel.notifications.daily import daily_jobs
from shared.operations.orphans import sweep_orphan_files, upload_prefixes
from tests.factories import make_report, photo

pytestmark = pytest.mark.django_db


def age(name: str, seconds: int) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_old_orphans_in_upload_folders_go_and_everything_else_stays():
    kept = make_report(photos=[photo()]).report.photos.get()
    orphan = default_storage.save("reports/2026/12/verwaist.jpg", ContentFile(b"\xff\xd8 abgebrochen"))
    fresh = default_storage.save("reports/2026/12/gerade-hochgeladen.jpg", ContentFile(b"\xff\xd8 neu"))
    other = default_storage.save("opendata/2026-12-04/meldungen.csv", ContentFile(b"id;status\n"))
    for name in (orphan, other, kept.image.name, kept.thumbnail.name):
        age(name, 7200)
    assert upload_prefixes() == ["notices/", "permits/", "reports/"]
    dry = sweep_orphan_files(dry_run=True)
    assert dry.deleted == [orphan] and default_storage.exists(orphan)
    result = sweep_orphan_files()
    assert result.deleted == [orphan]
    assert not default_storage.exists(orphan)
    for name in (fresh, other, kept.image.name, kept.thumbnail.name):
        assert default_storage.exists(name)
    assert sweep_orphan_files(min_age=dt.timedelta(0)).deleted == [fresh]


def test_the_sweep_is_a_daily_job_and_a_command(capsys):
    assert "sweep_orphan_files" in daily_jobs()
    default_storage.save("permits/rest.pdf", ContentFile(b"%PDF"))
    call_command("sweep_orphan_files", "--older-than", "0")
    assert "1 verwaiste gelöscht" in capsys.readouterr().out
