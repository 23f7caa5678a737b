"""Built report tiles kept in the shared cache (``CACHES["tiles"]``), dropped per tile when a report changes.

Reports change a few times a minute while a map view asks for a dozen tiles, so a tile is built once and
then served from the cache until a report inside it changes. Filters (status/category) make the number of
variants of one tile open-ended, so a change cannot delete them by name. Instead every tile has a
*version* token, and every cached variant records the version (and a global *generation*) it was built
under:

- a read fetches generation, the tile's version and the variant in one round trip (``get_many``) and
  uses the variant only when both tokens still match;
- a change deletes the version keys of exactly the tiles it touches, at every zoom level
  (``domains.reports.tiles.rendering.tiles_touched``: the same predicates the tile statements use), after the commit;
- a bulk repair (``refresh_report_counts``) deletes the generation: every tile is stale at once;
- a missing token (never set, expired, evicted) is replaced by a *new random* one, so an eviction can
  never bring an old variant back to life.

Tokens are read before the tile is built and stored with it, so a change committed during the build
leaves the new entry already stale. The ``max-age`` the browser and a CDN may keep a tile for is separate
(``interfaces.api.views.tiles``); the cached entries themselves expire after ``REPORT_TILE_CACHE_SECONDS`` as a net
for writes that bypass the services.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import BaseCache, caches

from domains.reports.tiles.rendering import report_tile, tiles_touched
from kernel.geo.tiles import Tile

logger = logging.getLogger(__name__)

PREFIX = "tiles:reports"
GENERATION_KEY = f"{PREFIX}:generation"


@dataclass(frozen=True)
class CachedTile:
    data: bytes  # b"" for a tile without features
    etag: str  # quoted strong ETag of ``data``


def tile_cache() -> BaseCache:
    return caches[settings.REPORT_TILE_CACHE]


def _version_key(t: Tile) -> str:
    return f"{PREFIX}:v:{t.z}/{t.x}/{t.y}"


def _variant_key(t: Tile, statuses: Sequence[str], categories: Sequence[str]) -> str:
    # Sorted and deduplicated: "status=open,resolved" and "status=resolved,open" are the same tile.
    filters = ",".join(sorted(set(statuses))) + "|" + ",".join(sorted(set(categories)))
    digest = hashlib.blake2b(filters.encode(), digest_size=8).hexdigest()
    return f"{PREFIX}:t:{t.z}/{t.x}/{t.y}:{digest}"


def etag_of(data: bytes) -> str:
    return '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'


def _token(cache: BaseCache, key: str, found: str | None, timeout: int) -> str:
    """The token under ``key``, or a new random one when there is none (``add``: the first writer wins)."""
    if found is not None:
        return found
    token = secrets.token_hex(8)
    if cache.add(key, token, timeout):
        return token
    return cache.get(key) or token


def _lookup(
    cache: BaseCache, t: Tile, variant_key: str
) -> tuple[tuple[str, str], tuple[tuple[str, str], str, bytes] | None]:
    timeout, version_key = settings.REPORT_TILE_CACHE_SECONDS, _version_key(t)
    found = cache.get_many([GENERATION_KEY, version_key, variant_key])
    tokens = (
        _token(cache, GENERATION_KEY, found.get(GENERATION_KEY), 4 * timeout),
        _token(cache, version_key, found.get(version_key), 2 * timeout),
    )
    return tokens, found.get(variant_key)


def cached_report_tile(
    t: Tile, *, statuses: Sequence[str] = (), categories: Sequence[str] = ()
) -> CachedTile:
    """The tile from the cache when it is still current, else built by ``domains.reports.tiles.rendering`` and stored.

    The cache only saves time: when it cannot be reached (Redis down, …) the tile is built and served
    uncached, never a 500."""
    cache, variant_key = tile_cache(), _variant_key(t, statuses, categories)
    try:
        tokens, entry = _lookup(cache, t, variant_key)
    except Exception:  # any backend's connection error; the cache is an optimisation
        logger.warning("tile cache unreachable: serving %s uncached", t, exc_info=True)
        tokens, entry = None, None
    if tokens is not None and entry is not None and entry[0] == tokens:
        return CachedTile(data=entry[2], etag=entry[1])
    data = report_tile(t, statuses=statuses, categories=categories)
    etag = etag_of(data)
    if tokens is not None:
        try:
            cache.set(variant_key, (tokens, etag, data), settings.REPORT_TILE_CACHE_SECONDS)
        except Exception:
            logger.warning("tile cache unreachable: %s not stored", t, exc_info=True)
    return CachedTile(data=data, etag=etag)


def drop_tiles_of(location: Point, commune_id: int) -> list[Tile]:
    """Make every cached tile showing a report at ``location`` (EPSG:25833) in commune version
    ``commune_id`` stale, at every zoom level. Returns those tiles (for tests and logging).

    Runs after the commit: a failure must not turn a stored change into an error page. If the cache is
    unreachable the tiles stay as they are until their entries expire (``REPORT_TILE_CACHE_SECONDS``)."""
    touched = tiles_touched(location, commune_id)
    try:
        tile_cache().delete_many([_version_key(t) for t in touched])
    except Exception:
        logger.error("tile cache unreachable: %d tiles not dropped", len(touched), exc_info=True)
    return touched


def drop_tiles_of_many(places: Sequence[tuple[Point, int]]) -> int:
    """:func:`drop_tiles_of` for many reports at once (a bulk action): each tile once, one cache call.
    Returns how many tiles were dropped."""
    touched = {
        _version_key(t) for location, commune_id in places for t in tiles_touched(location, commune_id)
    }
    try:
        tile_cache().delete_many(sorted(touched))
    except Exception:
        logger.error("tile cache unreachable: %d tiles not dropped", len(touched), exc_info=True)
    return len(touched)


def drop_all_tiles() -> None:
    """After a bulk change (a recount, a data load): every cached tile is stale."""
    tile_cache().delete(GENERATION_KEY)
