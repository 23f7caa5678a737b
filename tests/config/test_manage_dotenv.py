"""``manage.py`` after ``make run`` works without exports: it takes the settings module from the ``.env``
that ``make run`` writes, while the environment always wins and no ``.env`` still means production."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _clean_environ() -> dict[str, str]:
    """What a fresh root shell has: no DJANGO_SETTINGS_MODULE, no SECRET_KEY, nothing of ours."""
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PYTHONPATH"] = str(ROOT)  # the copied manage.py imports config/ from the repository
    return env


def _manage_check(tmp_path: Path, dotenv: str | None, **environ: str) -> subprocess.CompletedProcess:
    """``manage.py check`` from a copy of manage.py in ``tmp_path`` next to ``dotenv`` (the .env it reads)."""
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(tmp_path / "manage.py"), "check"],
        cwd=tmp_path,
        env={**_clean_environ(), **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_uses_the_dev_settings_make_run_wrote_to_dotenv(tmp_path):
    result = _manage_check(
        tmp_path, "# Written by scripts/ensure_db.py\nDJANGO_SETTINGS_MODULE=config.settings.dev\n"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_dotenv_manage_py_still_means_production(tmp_path):
    result = _manage_check(tmp_path, None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_the_environment_wins_over_dotenv(tmp_path):
    """A production host sets DJANGO_SETTINGS_MODULE in its unit: a stray .env cannot turn it into dev."""
    result = _manage_check(
        tmp_path,
        "DJANGO_SETTINGS_MODULE=config.settings.dev\n",
        DJANGO_SETTINGS_MODULE="config.settings.production",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def _ensure_db_module():
    spec = importlib.util.spec_from_file_location("ensure_db_under_test", ROOT / "scripts" / "ensure_db.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("", "config.settings.dev"),
        ("DJANGO_SETTINGS_MODULE=config.settings.production\n", "config.settings.production"),
    ],
)
def test_make_run_writes_the_dev_settings_into_dotenv_but_keeps_an_operator_choice(
    tmp_path, monkeypatch, before, expected
):
    from config.env import read_dotenv

    ensure_db = _ensure_db_module()
    dotenv = tmp_path / ".env"
    dotenv.write_text(before, encoding="utf-8")
    monkeypatch.setattr(ensure_db, "DOTENV", dotenv)
    ensure_db.write_dotenv({"DATABASE_URL": "postgis://postgres@127.0.0.1:5432/x", "MM_DB_SOURCE": "server"})
    values = read_dotenv(dotenv)
    assert values["DJANGO_SETTINGS_MODULE"] == expected
    assert values["DATABASE_URL"] == "postgis://postgres@127.0.0.1:5432/x"
