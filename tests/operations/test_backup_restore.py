"""make backup / make restore-drill on a small data set: the drill restores into a fresh database and media
location and checks counts, checksums and tracking links — and each check fails when its fact is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from config.env import database_config
from shared.operations.restore import DRILL_SUFFIX, database_url
from tests.factories import make_report, photo

pytestmark = pytest.mark.django_db(transaction=True)


def _database_exists(name: str) -> bool:
    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@pytest.fixture
def backup_set(tmp_path: Path) -> Path:
    make_report(email="melderin@example.org", photos=[photo(), photo("zwei.jpg")])
    make_report(description="Laterne dunkel", photos=[photo()])
    dest = tmp_path / "set"
    call_command("backup", dest=dest, stdout=open("/dev/null", "w"))
    return dest


def _drill(backup: Path, tmp_path: Path) -> str:
    out = tmp_path / "drill.txt"
    with out.open("w") as fh:
        call_command(
            "restore_drill", str(backup), "--sample=0", media_root=tmp_path / "drill-media", stdout=fh
        )
    return out.read_text()


def test_backup_set_holds_dump_files_and_checksums(backup_set: Path) -> None:
    manifest = json.loads((backup_set / "manifest.json").read_text())
    assert (backup_set / "db.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert manifest["counts"]["reports.Report"] == 2
    assert manifest["counts"]["reports.ReportPhoto"] == 3
    names = [f["name"] for f in manifest["files"]]
    assert len(names) == 6 and all(f["referenced"] for f in manifest["files"])  # 3 images + 3 thumbnails
    for entry in manifest["files"]:
        with default_storage.open(entry["name"], "rb") as fh:
            assert (backup_set / "files" / entry["name"]).read_bytes() == fh.read()


def test_restore_drill_passes_and_cleans_up(backup_set: Path, tmp_path: Path) -> None:
    text = _drill(backup_set, tmp_path)
    assert "6 Dateien zurückgespielt" in text
    assert "6 von 6 Dateien mit gleicher Prüfsumme" in text
    assert "Verfolgungslink von Mängelmeldung" in text
    assert "Wiederherstellungsprobe bestanden." in text
    assert not _database_exists(settings.DATABASES["default"]["NAME"] + DRILL_SUFFIX)
    assert not (tmp_path / "drill-media").exists()


def test_restore_drill_finds_a_changed_file_and_a_wrong_count(backup_set: Path, tmp_path: Path) -> None:
    manifest = json.loads((backup_set / "manifest.json").read_text())
    victim = manifest["files"][0]["name"]
    (backup_set / "files" / victim).write_bytes(b"nicht das Foto")
    manifest["counts"]["reports.Report"] = 3
    (backup_set / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError) as failed:
        _drill(backup_set, tmp_path)
    assert f"Prüfsumme weicht ab: {victim}" in str(failed.value)
    assert "reports.Report: 2 Zeilen statt 3" in str(failed.value)


def test_restore_drill_refuses_another_secret_key(backup_set: Path, tmp_path: Path, monkeypatch) -> None:
    """The restored service must run with the key the mailed links were made with."""
    monkeypatch.setenv("SECRET_KEY", "ein-anderer-schluessel-" + "x" * 40)
    with pytest.raises(CommandError) as failed:
        _drill(backup_set, tmp_path)
    assert "stimmt der SECRET_KEY?" in str(failed.value)


def test_backup_reports_a_file_missing_from_storage(tmp_path: Path) -> None:
    created = make_report(photos=[photo()])
    default_storage.delete(created.report.photos.get().image.name)
    with pytest.raises(CommandError, match="fehlen im Speicher"):
        call_command("backup", dest=tmp_path / "set")


def test_restore_url_keeps_a_password_with_url_characters(settings):
    """The drill hands the restored database to a child process as DATABASE_URL: a password with "@",
    ":" or "/" must come back unchanged (it is percent-encoded in the URL)."""
    settings.DATABASES = {
        "default": {**settings.DATABASES["default"], "USER": "mm user", "PASSWORD": "p@ss:w/rd%"}
    }
    parsed = database_config(database_url("mm_restore_drill"))
    assert (parsed["USER"], parsed["PASSWORD"], parsed["NAME"]) == (
        "mm user",
        "p@ss:w/rd%",
        "mm_restore_drill",
    )
