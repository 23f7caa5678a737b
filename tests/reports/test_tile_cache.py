"""Cached report tiles: equal to a fresh build, dropped exactly where a report changes (at once, after the
commit), never mixed between filters, with the shared database cache and with a local-memory one; the
pre-aggregated counts of the low zoom levels stay exact."""

from __future__ import annotations

import math
import uuid

import mapbox_vector_tile
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from domains.reports.models import Report
from domains.reports.tiles.cache import cached_report_tile, drop_tiles_of
from domains.reports.tiles.counts import count_differences
from domains.reports.tiles.rendering import report_tile, tiles_touched
from kernel.geo.tiles import Tile
from tests.api.test_tiles import tile_of
from tests.factories import DRESDEN, LEIPZIG, make_report, set_status
from tests.staff_world import login

pytestmark = pytest.mark.django_db

ZOOMS = range(5, 17)  # the zoom levels the map asks for
ELSEWHERE = (12.3731, 51.3397)  # Leipzig: far from every Dresden tile above z6


def tile_at(lon: float, lat: float, z: int) -> Tile:
    return Tile(*tile_of(lon, lat, z))


def url(t: Tile) -> str:
    return f"/tiles/reports/{t.z}/{t.x}/{t.y}.pbf"


def builds(fn) -> int:
    """How many tile statements (ST_AsMVT) ``fn`` sent to the database."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return sum("ST_ASMVT(" in q["sql"].upper() for q in ctx.captured_queries)


def features(data: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(data)["reports"]["features"] if data else []


def ids(data: bytes) -> set[str]:
    return {f["properties"].get("id") for f in features(data)}


@pytest.fixture(params=["database", "locmem"])
def backend(request):
    """The settings' fallback without Redis (a shared database table) and a local-memory cache."""
    if request.param == "database":
        yield caches["tiles"]
        return
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tiles-test"}
    with override_settings(CACHES={**settings.CACHES, "tiles": locmem}):
        caches["default"].key_prefix = f"mm-test-{uuid.uuid4().hex}"  # the handlers were reset
        caches["tiles"].clear()
        yield caches["tiles"]


@pytest.fixture
def dresden(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [make_report(lonlat=(DRESDEN[0] + i * 0.0001, DRESDEN[1])).report for i in range(3)]


def test_cached_tile_equals_a_fresh_build_and_skips_the_database(client, backend, dresden):
    for z in ZOOMS:
        t = tile_at(*DRESDEN, z)
        first = client.get(url(t))
        assert first.status_code == 200
        assert builds(lambda t=t: client.get(url(t))) == 0, z  # from the cache
        again = client.get(url(t))
        assert again.content == first.content == report_tile(t)
        assert again["ETag"] == first["ETag"]


def test_a_new_report_is_in_its_tiles_at_once_and_no_other_tile_is_rebuilt(
    client, backend, dresden, django_capture_on_commit_callbacks
):
    at_dresden = [tile_at(*DRESDEN, z) for z in ZOOMS]
    far = [tile_at(*ELSEWHERE, z) for z in range(7, 17)]
    before = {t: client.get(url(t)).content for t in at_dresden + far}
    with django_capture_on_commit_callbacks(execute=True):
        new = make_report(lonlat=(DRESDEN[0] + 0.0002, DRESDEN[1])).report
    for t in at_dresden:
        body = client.get(url(t)).content
        assert body == report_tile(t) and body != before[t], t
    assert new.public_id in {f["properties"].get("id") for f in features(report_tile(tile_at(*DRESDEN, 16)))}
    for t in far:
        assert builds(lambda t=t: client.get(url(t))) == 0, t  # untouched: still cached


def test_the_touched_tiles_are_exactly_those_whose_content_can_change(dresden):
    """Each zoom: every neighbour tile whose fresh build changes is among the touched ones, and the touched
    ones are the tile of the point (of its commune's label at z ≤ 9) and neighbours within the margin."""
    lon, lat = 13.7373, 51.0504
    report = dresden[0]
    touched = set(tiles_touched(report.location, report.commune_id))
    assert {t.z for t in touched} >= set(ZOOMS)
    assert all(tile_at(lon, lat, t.z) == t for t in touched if t.z >= 10 and t.z <= 16)
    neighbourhood = [
        Tile(z, c.x + dx, c.y + dy)
        for z in range(10, 17)
        for c in [tile_at(lon, lat, z)]
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    ]
    before = {t: report_tile(t, statuses=["submitted"]) for t in neighbourhood}
    Report.objects.filter(pk=report.pk).update(status="resolved")
    changed = {t for t in neighbourhood if report_tile(t, statuses=["submitted"]) != before[t]}
    assert {t.z for t in changed} == set(range(10, 17))  # at least the tile of the point, at every zoom
    assert changed <= touched


def test_a_report_on_a_tile_edge_touches_both_tiles(dresden):
    z = 14
    t = tile_at(*DRESDEN, z)
    n = 2**z
    edge_lon = (t.x + 1) / n * 360 - 180 + 0.000001  # just east of the tile's east edge …
    middle_lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (t.y + 0.5) / n))))  # … half-way down
    report = make_report(lonlat=(edge_lon, middle_lat)).report
    touched = {u for u in tiles_touched(report.location, report.commune_id) if u.z == z}
    assert touched == {t, Tile(z, t.x + 1, t.y)}


def test_a_status_change_shows_in_filtered_and_count_tiles_at_once(
    client, backend, dresden, django_capture_on_commit_callbacks
):
    point, low = tile_at(*DRESDEN, 16), tile_at(*DRESDEN, 8)
    open_before = {
        f["properties"]["id"] for f in features(client.get(url(point), {"status": "submitted"}).content)
    }
    counts_before = {
        f["properties"]["commune"]: f["properties"]["count"]
        for f in features(client.get(url(low), {"status": "submitted"}).content)
    }
    with django_capture_on_commit_callbacks(execute=True):
        set_status(dresden[0], "in_review")
    open_after = {
        f["properties"]["id"] for f in features(client.get(url(point), {"status": "submitted"}).content)
    }
    assert open_after == open_before - {dresden[0].public_id}
    counts_after = {
        f["properties"]["commune"]: f["properties"]["count"]
        for f in features(client.get(url(low), {"status": "submitted"}).content)
    }
    assert counts_after["14612000"] == counts_before["14612000"] - 1
    assert count_differences() == 0


def test_filters_never_share_a_cache_entry(client, backend, dresden):
    make_report(lonlat=(DRESDEN[0] + 0.0003, DRESDEN[1]), category="graffiti")
    t = tile_at(*DRESDEN, 16)
    variants = [{}, {"category": "graffiti"}, {"category": "schlagloch"}, {"status": "resolved"}]
    for params in variants * 2:  # the second round is served from the cache
        response = client.get(url(t), params)
        fresh = report_tile(
            t,
            statuses=[params["status"]] if "status" in params else [],
            categories=[params["category"]] if "category" in params else [],
        )
        assert response.content == fresh, params
    same = client.get(url(t), {"status": "submitted,in_review"})
    assert (
        builds(lambda: client.get(url(t), {"status": "in_review,submitted"})) == 0
    )  # same filter, other order
    assert client.get(url(t), {"status": "in_review,submitted"}).content == same.content


def test_headers_let_a_cdn_keep_the_tile_for_a_minute_and_revalidate(client, backend, dresden):
    t = tile_at(*DRESDEN, 12)
    first = client.get(url(t))
    assert first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}'):
        again = client.get(url(t), HTTP_IF_NONE_MATCH=header)
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url(t), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_when_a_report_in_the_tile_changes(
    client, backend, dresden, django_capture_on_commit_callbacks
):
    t = tile_at(*DRESDEN, 16)  # single points carry their status
    etag = client.get(url(t))["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        set_status(dresden[1], "in_review")
    again = client.get(url(t), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_an_evicted_version_never_revives_an_old_entry(backend, dresden):
    t = tile_at(*DRESDEN, 16)
    old = cached_report_tile(t)
    Report.objects.filter(pk=dresden[0].pk).update(status="resolved")  # bypasses the services
    drop_tiles_of(dresden[0].location, dresden[0].commune_id)
    assert cached_report_tile(t, statuses=["resolved"]).data == report_tile(t, statuses=["resolved"])
    backend.clear()  # everything evicted
    assert cached_report_tile(t).data == report_tile(t) != old.data


def test_refresh_report_counts_repairs_bypassing_writes_and_drops_every_tile(
    client, dresden, django_capture_on_commit_callbacks
):
    low = tile_at(*LEIPZIG, 6)
    client.get(url(low))
    Report.objects.filter(pk__in=[r.pk for r in dresden]).update(status="resolved")  # bypasses the services
    assert count_differences() == 2  # submitted −3 and resolved +3 in Dresden's schlagloch counts
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_report_counts", verbosity=0)
    assert count_differences() == 0
    assert builds(lambda: client.get(url(low))) == 1
    counts = {
        f["properties"]["commune"]: f["properties"]["count"]
        for f in features(client.get(url(low), {"status": "resolved"}).content)
    }
    assert counts["14612000"] == 3


def test_own_new_report_marks_the_visitor_for_fresh_tiles(client):
    data = {
        "lat": "51,0504",
        "lon": "13,7373",
        "category": "schlagloch",
        "description": "Loch in der Fahrbahn",
    }
    response = client.post("/", data)
    assert response.status_code == 302
    cookie = response.cookies["mm_tiles_v"]
    assert cookie.value.isdigit() and cookie["max-age"] == 60 and not cookie["httponly"]
    assert "mm_tiles_v" not in client.get("/").cookies  # only the visitor's own change sets it


def test_a_staff_status_change_shows_in_the_tiles_at_once_and_marks_the_caseworker(
    client, world, django_capture_on_commit_callbacks
):
    t = tile_at(*DRESDEN, 15)
    assert world.own.public_id in ids(client.get(url(t), {"status": "submitted"}).content)
    login(client, "caseworker_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/verwaltung/meldungen/{world.own.public_id}/status/", {"status": "in_review"}
        )
    assert response.status_code == 302 and response.cookies["mm_tiles_v"]["max-age"] == 60
    assert world.own.public_id not in ids(client.get(url(t), {"status": "submitted"}).content)
    assert world.own.public_id in ids(client.get(url(t), {"status": "in_review"}).content)


def test_an_unreachable_cache_serves_built_tiles_and_never_fails_a_change(
    client, dresden, django_capture_on_commit_callbacks
):
    """Redis down (nothing listens on port 1): the tile is built and served, a new report is stored."""
    down = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "tiles": down}):
        caches["default"].key_prefix = f"mm-test-{uuid.uuid4().hex}"
        t = tile_at(*DRESDEN, 16)
        assert client.get(url(t)).content == report_tile(t)
        with django_capture_on_commit_callbacks(execute=True):
            new = make_report(lonlat=DRESDEN).report
        assert new.public_id in ids(client.get(url(t)).content)
