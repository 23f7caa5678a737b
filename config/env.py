"""Settings from the environment, read through small helpers that fail loudly.

Values come from the process environment first and from the project's ``.env`` file second (written by
``make run`` / ``make test``, see ``scripts/ensure_db.py``), so ``.venv/bin/python manage.py …`` talks to
the same database as the make targets without any extra exports.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

POSTGIS_ENGINE = "django.contrib.gis.db.backends.postgis"

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nein", ""}


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``KEY=VALUE`` file (comments and blank lines ignored, optional quotes stripped)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}:{lineno}: expected KEY=VALUE, got {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


class Env:
    """Typed access to environment variables with ``.env`` as fallback."""

    def __init__(self, environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.dotenv = read_dotenv(dotenv) if dotenv else {}

    def raw(self, name: str) -> str | None:
        if name in self.environ:
            return self.environ[name]
        return self.dotenv.get(name)

    def str(self, name: str, default: str | None = None) -> str:
        value = self.raw(name)
        if value is None:
            if default is None:
                raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
            return default
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {value!r}.")

    def int(self, name: str, default: int) -> int:
        value = self.raw(name)
        if value is None or value.strip() == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]


def database_config(url: str, *, conn_max_age: int = 60) -> dict[str, Any]:
    """Turn a ``DATABASE_URL`` into Django's ``DATABASES['default']`` for PostGIS.

    ``postgres://``, ``postgresql://`` and ``postgis://`` are accepted; the engine is always PostGIS
    because every app here stores geometries. Anything else fails loudly instead of silently falling back.
    """
    if not url or "://" not in url:
        raise ImproperlyConfigured(
            f"DATABASE_URL must look like postgres://user@host:port/name, got {url!r}."
        )
    scheme = url.split("://", 1)[0].lower()
    if scheme not in {"postgres", "postgresql", "postgis", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported: this service needs PostgreSQL with PostGIS."
        )
    config = dj_database_url.parse(
        url, engine=POSTGIS_ENGINE, conn_max_age=conn_max_age, conn_health_checks=True
    )
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (the path after the host is empty).")
    options = config.setdefault("OPTIONS", {})
    # Fail fast instead of hanging when the server is down; the DatabaseUnavailable middleware then
    # answers 503 with Retry-After.
    options.setdefault("connect_timeout", 3)
    return config


def secret_key(env: Env, key_file: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once into ``.local/``.

    Generating it per checkout keeps sessions valid across restarts without ever committing a secret.
    Production settings do not use this fallback.
    """
    value = env.raw("SECRET_KEY")
    if value:
        return value
    if key_file.is_file():
        stored = key_file.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    key_file.parent.mkdir(parents=True, exist_ok=True)
    new_key = secrets.token_urlsafe(50)
    key_file.write_text(new_key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return new_key


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEV_MAIL_DIR = BASE_DIR / ".local" / "mail"


def mailers_from_env(env: Env, *, production: bool) -> dict[str, dict[str, Any]]:
    """Build Django 6.1's ``MAILERS`` from the familiar ``EMAIL_*`` environment variables.

    Development writes mails as files to ``.local/mail/`` unless ``EMAIL_HOST`` is set — not to the
    console, whose output is a log, and reporters' addresses never go into logs. Production always
    delivers via SMTP (``EMAIL_HOST`` defaulting to a local MTA) unless ``EMAIL_BACKEND`` names another
    backend.
    """
    host = env.str("EMAIL_HOST", default="")
    default_backend = SMTP_BACKEND if (host or production) else FILE_BACKEND
    backend = env.str("EMAIL_BACKEND", default=default_backend)
    options: dict[str, Any] = {}
    if backend == FILE_BACKEND:
        options = {"file_path": env.str("EMAIL_FILE_PATH", default=str(DEV_MAIL_DIR))}
    if backend == SMTP_BACKEND:
        options = {
            "host": host or "localhost",
            "port": env.int("EMAIL_PORT", default=587 if host else 25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=bool(host)),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


def media_accel_prefix(env: Env) -> str:
    """``MEDIA_ACCEL_REDIRECT_PREFIX``: empty, or nginx's internal location as an absolute path.

    ``SERVE_MEDIA`` is refused: it used to let the web server hand out ``MEDIA_ROOT`` by name, which would
    serve hidden photos and private attachments to anyone; now the app authorises every file."""
    if env.raw("SERVE_MEDIA") is not None:
        raise ImproperlyConfigured(
            "SERVE_MEDIA is no longer supported: uploaded files are always authorised by the app. Remove it "
            "and, with nginx in front, set MEDIA_ACCEL_REDIRECT_PREFIX instead (docs/security.md)."
        )
    prefix = env.str("MEDIA_ACCEL_REDIRECT_PREFIX", default="").strip()
    if prefix and (not prefix.startswith("/") or "//" in prefix or ".." in prefix):
        raise ImproperlyConfigured(
            f"MEDIA_ACCEL_REDIRECT_PREFIX must be an absolute path such as /_media/, got {prefix!r}."
        )
    return prefix


def platform_operator(env: Env) -> dict[str, str]:
    """Who runs this instance, for the privacy page (/datenschutz/): ``PLATFORM_OPERATOR_NAME``,
    ``PLATFORM_OPERATOR_EMAIL`` and ``PLATFORM_OPERATOR_ADDRESS`` (postal address, one line or with
    ``\\n``). A malformed e-mail address fails at start-up rather than appearing on the page."""
    email = env.str("PLATFORM_OPERATOR_EMAIL", default="").strip()
    if email and (email.count("@") != 1 or " " in email or not email.split("@")[1].count(".")):
        raise ImproperlyConfigured(f"PLATFORM_OPERATOR_EMAIL ist keine E-Mail-Adresse: {email!r}")
    return {
        "name": env.str("PLATFORM_OPERATOR_NAME", default="").strip(),
        "email": email,
        "address": env.str("PLATFORM_OPERATOR_ADDRESS", default="").replace("\\n", "\n").strip(),
    }


# Defaults as published by the Free State of Saxony (checked December 2026): the Durchsetzungsstelle at the
# Sächsische Staatskanzlei takes complaints about websites of Saxon public bodies. The operator keeps them
# current through the environment; an empty value hides that line on /barrierefreiheit/.
ENFORCEMENT_DEFAULTS = {
    "name": "Durchsetzungsstelle für digitale Barrierefreiheit des Freistaates Sachsen",
    "address": "Sächsische Staatskanzlei\nArchivstraße 1\n01097 Dresden",
    "email": "Durchsetzungsstelle@sk.sachsen.de",
    "url": "https://www.durchsetzungsstelle.sachsen.de/",
}


def accessibility_enforcement(env: Env) -> dict[str, str]:
    """The enforcement body named in the accessibility statement (BITV 2.0 § 7, EU model statement):
    ``A11Y_ENFORCEMENT_NAME``, ``…_ADDRESS`` (``\\n`` for line breaks), ``…_EMAIL``, ``…_URL``. A malformed
    e-mail address or a URL that is not http(s) stops the start rather than appearing on the page."""
    values = {
        key: env.str(f"A11Y_ENFORCEMENT_{key.upper()}", default=default).replace("\\n", "\n").strip()
        for key, default in ENFORCEMENT_DEFAULTS.items()
    }
    email, url = values["email"], values["url"]
    if email and (email.count("@") != 1 or " " in email or not email.split("@")[1].count(".")):
        raise ImproperlyConfigured(f"A11Y_ENFORCEMENT_EMAIL ist keine E-Mail-Adresse: {email!r}")
    if url and not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"A11Y_ENFORCEMENT_URL muss mit https:// beginnen: {url!r}")
    return values
