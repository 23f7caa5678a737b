"""The parking card's keys come from their own settings (config.parking_keys), never from SECRET_KEY: a
rotated secret key leaves every card on the street valid; production names every key explicitly."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env
from config.features import derived_secret
from config.parking_keys import (
    b64,
    checked_against_current,
    public_of,
    require_explicit,
    signing_key,
    verify_keys,
)

ROOT = Path(__file__).resolve().parents[2]
PARKING_VARS = (
    "PARKING_SIGNING_KEY",
    "PARKING_SIGNING_KEY_ID",
    "PARKING_VERIFY_KEYS",
    "PARKING_PLATE_SECRET",
)

# What the settings give, seen from a fresh process: the public key, the kid and Dresden's plate key.
PROBE = """
import django, json
django.setup()
from domains.permits.parking_card import b64, plate_key, public_key_b64
from django.conf import settings
print(json.dumps([public_key_b64(), getattr(settings, "PARKING_SIGNING_KEY_ID", None), b64(plate_key("14612000"))]))
"""


def new_private() -> str:
    return b64(secrets.token_bytes(32))


def probe(**env: str) -> list:
    base = {k: v for k, v in os.environ.items() if k not in PARKING_VARS}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_rotating_the_secret_key_changes_no_parking_key():
    """Regression (issue 25 item 11): the keys were derived from SECRET_KEY."""
    first = probe(SECRET_KEY="erster-schluessel-" + "a" * 40)
    assert probe(SECRET_KEY="zweiter-schluessel-" + "b" * 40) == first
    explicit = {
        "PARKING_SIGNING_KEY": new_private(),
        "PARKING_SIGNING_KEY_ID": "2026-12",
        "PARKING_PLATE_SECRET": "p" * 43,
    }
    one = probe(SECRET_KEY="erster-schluessel-" + "a" * 40, **explicit)
    assert probe(SECRET_KEY="zweiter-schluessel-" + "b" * 40, **explicit) == one
    assert one[:2] == [public_of(explicit["PARKING_SIGNING_KEY"]), "2026-12"]


def test_development_generates_the_key_once_into_local(tmp_path):
    kid, private = signing_key(Env(environ={}), tmp_path)
    assert signing_key(Env(environ={}), tmp_path) == (kid, private)
    stored = tmp_path / "parking_signing_key"
    assert stored.read_text().strip() == f"{kid}:{private}" and stored.stat().st_mode & 0o777 == 0o600
    assert kid.startswith("dev-") and len(public_of(private)) == 43


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PARKING_SIGNING_KEY": "kurz"}, "PARKING_SIGNING_KEY_ID fehlt"),
        ({"PARKING_SIGNING_KEY": "kurz", "PARKING_SIGNING_KEY_ID": "1"}, "32 Bytes"),
        ({"PARKING_SIGNING_KEY": "A" * 43, "PARKING_SIGNING_KEY_ID": "a b"}, "keine Schlüssel-ID"),
    ],
)
def test_a_malformed_signing_key_stops_the_start(tmp_path, environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        signing_key(Env(environ=environ), tmp_path)
    assert not (tmp_path / "parking_signing_key").exists()


def test_verify_keys_are_kid_key_pairs_and_a_bare_key_says_what_to_write():
    one, two = public_of(new_private()), public_of(new_private())
    env = Env(environ={"PARKING_VERIFY_KEYS": f"2026-06:{one}, legacy:{two}"})
    assert verify_keys(env) == (("2026-06", one), ("legacy", two))
    with pytest.raises(ImproperlyConfigured, match="legacy:schlüssel"):
        verify_keys(Env(environ={"PARKING_VERIFY_KEYS": one}))
    with pytest.raises(ImproperlyConfigured, match="zweimal"):
        verify_keys(Env(environ={"PARKING_VERIFY_KEYS": f"a:{one},a:{two}"}))
    with pytest.raises(ImproperlyConfigured, match="32 Bytes"):
        verify_keys(Env(environ={"PARKING_VERIFY_KEYS": "a:AAAA"}))


def test_production_requires_every_key_and_names_the_commands():
    with pytest.raises(ImproperlyConfigured) as refused:
        require_explicit(Env(environ={"PARKING_SIGNING_KEY": new_private()}))
    text = str(refused.value)
    assert "PARKING_SIGNING_KEY_ID, PARKING_PLATE_SECRET muss in Produktion gesetzt sein" in text
    assert "python -m config.parking_keys new" in text and "python -m config.parking_keys legacy" in text


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in (*PARKING_VARS, "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-m", "config.parking_keys", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_makes_a_key_pair_that_the_settings_accept(tmp_path):
    result = cli("new", "2027-01")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines() if not line.startswith("#"))
    kid, private = signing_key(Env(environ=lines), tmp_path)
    assert (kid, private) == ("2027-01", lines["PARKING_SIGNING_KEY"])
    assert f"2027-01:{public_of(private)}" in result.stdout


def test_the_legacy_command_names_the_keys_once_derived_from_the_secret_key():
    old_secret = "der-bisherige-schluessel-" + "c" * 40
    result = cli("legacy", SECRET_KEY=old_secret)
    assert result.returncode == 0, result.stderr
    assert f"PARKING_PLATE_SECRET={derived_secret(old_secret, 'parking-plate-hash')}" in result.stdout
    assert f"legacy:{public_of(derived_secret(old_secret, 'parking-signing-key'))}" in result.stdout
    assert cli("legacy").returncode == 2


def test_an_earlier_key_may_not_reuse_the_current_kid():
    current, other = new_private(), new_private()
    checked_against_current(
        "2027-12", current, (("2027-12", public_of(current)), ("2026-12", public_of(other)))
    )
    with pytest.raises(ImproperlyConfigured, match="genau einem Schlüssel"):
        checked_against_current("2027-12", current, (("2027-12", public_of(other)),))
