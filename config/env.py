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
from urllib.parse import parse_qs, unquote, urlsplit

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


def settings_module(
    environ: Mapping[str, str], dotenv: Path, *, default: str = "config.settings.production"
) -> str:
    """The settings module ``manage.py`` uses: ``DJANGO_SETTINGS_MODULE`` from the environment, else the
    one ``make run`` wrote into ``.env`` (``config.settings.dev``), else production.

    The environment always wins, so a host that sets ``DJANGO_SETTINGS_MODULE`` (every production unit
    should) cannot be switched by a ``.env``; ``config/wsgi.py`` never reads ``.env`` for this at all, so a
    web server without explicit settings stays production and refuses to start without ``SECRET_KEY``."""
    chosen = environ.get("DJANGO_SETTINGS_MODULE")
    if chosen:
        return chosen
    return read_dotenv(dotenv).get("DJANGO_SETTINGS_MODULE") or default


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


def databases_from_env(env: Env) -> dict[str, dict[str, Any]]:
    """``DATABASES``: the primary from ``DATABASE_URL`` (pooled as configured) and, with
    ``DATABASE_REPLICA_URL``, a ``replica`` alias (mirroring the primary in tests)."""
    conn_max_age = env.int("CONN_MAX_AGE", default=60)
    default = database_config(
        env.str("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/maengelmelder"),
        conn_max_age=conn_max_age,
    )
    pool, pgbouncer = env.bool("DATABASE_POOL", default=False), env.bool("DATABASE_PGBOUNCER", default=False)
    if pool and pgbouncer:
        raise ImproperlyConfigured("DATABASE_POOL and DATABASE_PGBOUNCER exclude each other: choose one.")
    if pool:  # the pool keeps connections; Django must not keep them too
        default["CONN_MAX_AGE"] = 0
        default["CONN_HEALTH_CHECKS"] = False
        default["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=8),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        }
    if pgbouncer:  # transaction mode keeps neither cursors nor prepared statements across transactions
        default["DISABLE_SERVER_SIDE_CURSORS"] = True
        default["OPTIONS"]["prepare_threshold"] = None
    databases = {"default": default}
    replica_url = env.str("DATABASE_REPLICA_URL", default="")
    if replica_url:
        databases["replica"] = database_config(replica_url, conn_max_age=conn_max_age)
        databases["replica"]["TEST"] = {"MIRROR": "default"}
    return databases


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


def checked_email(name: str, email: str) -> str:
    """``email`` (setting ``name``) if empty or shaped like an address; otherwise the start stops, rather
    than a page naming a broken address."""
    if email and (email.count("@") != 1 or " " in email or not email.split("@")[1].count(".")):
        raise ImproperlyConfigured(f"{name} ist keine E-Mail-Adresse: {email!r}")
    return email


def platform_operator(env: Env) -> dict[str, str]:
    """Who runs this instance, for the privacy page (/datenschutz/): ``PLATFORM_OPERATOR_NAME``,
    ``PLATFORM_OPERATOR_EMAIL`` and ``PLATFORM_OPERATOR_ADDRESS`` (postal address, one line or with
    ``\\n``). A malformed e-mail address fails at start-up rather than appearing on the page."""
    return {
        "name": env.str("PLATFORM_OPERATOR_NAME", default="").strip(),
        "email": checked_email(
            "PLATFORM_OPERATOR_EMAIL", env.str("PLATFORM_OPERATOR_EMAIL", default="").strip()
        ),
        "address": env.str("PLATFORM_OPERATOR_ADDRESS", default="").replace("\\n", "\n").strip(),
    }


S3_BACKEND = "config.storage.ObjectStorage"


def media_storage(env: Env, *, private_url_seconds: int) -> dict[str, Any]:
    """``STORAGES['default']``: the local ``MEDIA_ROOT`` unless an S3-compatible object store is configured.

    ``MEDIA_STORAGE_URL=s3://KEY:SECRET@host:port/bucket?region=eu-central-1&secure=true`` names it in one
    value (Ceph RGW, MinIO, any cloud); alternatively django-storages' own ``AWS_STORAGE_BUCKET_NAME``,
    ``AWS_S3_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_S3_REGION_NAME``.
    Every object is private in the bucket: the app's media view authorises each request and redirects to a
    presigned URL (interfaces.web.media), so hiding a photo closes it at once, as with local files.
    """
    url = env.str("MEDIA_STORAGE_URL", default="").strip()
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="").strip()
    if not url and not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": private_url_seconds,
        "file_overwrite": False,
        "signature_version": "s3v4",
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
    }
    if url:
        options.update(_parse_storage_url(url))
    else:
        options["bucket_name"] = bucket
        for option, var in (
            ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
            ("access_key", "AWS_ACCESS_KEY_ID"),
            ("secret_key", "AWS_SECRET_ACCESS_KEY"),
            ("region_name", "AWS_S3_REGION_NAME"),
        ):
            if env.raw(var):
                options[option] = env.str(var)
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def _parse_storage_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    bucket = parts.path.strip("/")
    if parts.scheme != "s3" or not parts.hostname or not bucket or "/" in bucket:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE_URL must look like s3://KEY:SECRET@host:port/bucket?region=…&secure=true."
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    secure = query.get("secure", "true").lower() in _TRUE
    port = f":{parts.port}" if parts.port else ""
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": f"{'https' if secure else 'http'}://{parts.hostname}{port}",
        "region_name": query.get("region", "us-east-1"),
        "use_ssl": secure,
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options


def caches_from_env(env: Env, redis_url: str) -> dict[str, dict[str, Any]]:
    """``CACHES``: throttling state and built tiles must be the same for every gunicorn worker (and node).

    Redis when configured, else PostgreSQL cache tables (``createcachetable`` in the make targets). The
    tiles (domains.reports.tiles.cache) get their own key prefix, and without Redis their own table, so culling
    tiles never drops throttle counters; never a per-process local-memory cache, which would miss the
    invalidations other workers make.
    """
    prefix = env.str("CACHE_KEY_PREFIX", default="mm")
    if redis_url:
        redis = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        return {
            "default": {**redis, "KEY_PREFIX": prefix},
            "tiles": {**redis, "KEY_PREFIX": prefix + "-tiles"},
        }
    database = "django.core.cache.backends.db.DatabaseCache"
    return {
        "default": {"BACKEND": database, "LOCATION": "django_cache", "KEY_PREFIX": prefix},
        "tiles": {
            "BACKEND": database,
            "LOCATION": "django_tile_cache",
            "KEY_PREFIX": prefix,
            "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 10},
        },
    }
