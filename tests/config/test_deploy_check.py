"""With production-style environment, ``manage.py check --deploy`` reports nothing."""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Production names the parking card keys explicitly (config.parking_keys): none generated into .local/.
PARKING_ENV = {
    "PARKING_SIGNING_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
    "PARKING_SIGNING_KEY_ID": "2026-12",
    "PARKING_PLATE_SECRET": secrets.token_urlsafe(32),
}


def _check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", **PARKING_ENV, **extra_env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "maengel.sachsen.example",
    "DEBUG": "false",
    "TRUSTED_PROXY_COUNT": "1",  # production sits behind a TLS-terminating proxy (docs/deployment.md)
}


def test_check_deploy_is_clean_with_production_settings():
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_a_trusted_proxy():
    result = _check({**PRODUCTION, "TRUSTED_PROXY_COUNT": "0"})
    assert result.returncode != 0
    assert "requestkit.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _without_settings_choice() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}


def test_manage_py_defaults_to_production_settings_and_fails_without_a_secret_key(tmp_path):
    """Without the ``.env`` of ``make run`` (a copy of manage.py where there is none)."""
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, str(tmp_path / "manage.py"), "check"],
        cwd=tmp_path,
        env={**_without_settings_choice(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_wsgi_application_defaults_to_production_settings():
    code = "import config.wsgi"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_without_settings_choice(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    with_key = {
        **_without_settings_choice(),
        **PARKING_ENV,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "maengel.sachsen.example",
    }
    code = "import config.wsgi; from django.conf import settings; print(settings.SETTINGS_MODULE, settings.SESSION_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=with_key, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["config.settings.production", "True"], result.stderr


def test_the_make_targets_and_serve_sh_choose_development_settings_explicitly():
    makefile = (ROOT / "Makefile").read_text()
    assert "DJANGO_SETTINGS_MODULE ?= config.settings.dev\nexport DJANGO_SETTINGS_MODULE" in makefile
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    assert 'export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"' in serve
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "-", "show"],
        input=makefile + "\nshow:\n\t@echo $$DJANGO_SETTINGS_MODULE\n",
        cwd=ROOT,
        env=_without_settings_choice(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "config.settings.dev", result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set in production"),
        ({"PARKING_SIGNING_KEY": ""}, "PARKING_SIGNING_KEY muss in Produktion gesetzt sein"),
        ({"PARKING_PLATE_SECRET": ""}, "PARKING_PLATE_SECRET muss in Produktion gesetzt sein"),
    ],
)
def test_production_refuses_debug_missing_hosts_and_missing_parking_keys(override, message):
    env = {
        **_without_settings_choice(),
        **PARKING_ENV,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",  # not the .env that make run wrote
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "maengel.sachsen.example",
        **override,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_pytest_uses_the_test_settings_even_when_the_shell_exported_dev():
    env = {**_without_settings_choice(), "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--co", "tests/test_code_size.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "settings: config.settings.test (from option)" in result.stdout, result.stdout + result.stderr
    makefile = (ROOT / "Makefile").read_text()
    assert "\tDJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest\n" in makefile
