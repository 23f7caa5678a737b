"""Which PostgreSQL the make targets use, decided in one documented order (see docs/configuration.md).

1. ``DATABASE_URL`` from the environment.
2. The project-local cluster under ``.local/pg`` if an earlier run chose it (its data is reused).
3. A server answering on 127.0.0.1:5432 (the project's database and PostGIS are created there).
4. A project-local cluster created under ``.local/pg`` on its own port.

Pure functions here (tested in ``tests/config``); ``scripts/ensure_db.py`` does the side effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

DEFAULT_DB_NAME = "maengelmelder"
LOCAL_SERVER = ("127.0.0.1", 5432)
LOCAL_CLUSTER_PORT = 54329

SOURCE_ENV = "env"
SOURCE_SERVER = "server"
SOURCE_LOCAL = "local-cluster"


@dataclass(frozen=True)
class Choice:
    source: str
    url: str | None  # None for the local cluster until its port is known


def server_url(host: str, port: int, name: str, user: str = "postgres") -> str:
    return f"postgis://{quote(user)}@{host}:{port}/{quote(name)}"


def choose_database(
    *,
    environ_url: str | None,
    previous_source: str | None,
    local_cluster_exists: bool,
    server_answers: bool,
    db_name: str = DEFAULT_DB_NAME,
) -> Choice:
    if environ_url:
        return Choice(SOURCE_ENV, environ_url)
    if previous_source == SOURCE_LOCAL and local_cluster_exists:
        return Choice(SOURCE_LOCAL, None)
    if server_answers:
        return Choice(SOURCE_SERVER, server_url(*LOCAL_SERVER, db_name))
    return Choice(SOURCE_LOCAL, None)


def libpq_url(url: str, *, dbname: str | None = None) -> str:
    """Turn a Django-style URL (``postgis://``) into one libpq/psycopg accepts, optionally another db."""
    parts = urlsplit(url)
    path = parts.path if dbname is None else "/" + quote(dbname)
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, parts.fragment))


def db_name_of(url: str) -> str:
    name = unquote(urlsplit(url).path.lstrip("/"))
    if not name:
        raise ValueError(f"no database name in {url!r}")
    return name
