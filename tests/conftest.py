"""Shared fixtures. Every test runs against real PostGIS (pytest-django's ``test_<name>`` database).

The shipped communes of Saxony and the default categories are loaded once per test session into the
test database, exactly as ``make run`` loads them, so spatial tests work on the real boundaries.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection

pytest_plugins = ["tests.staff_world"]

# Reference data loaded once per session. Transactional tests (live server, task worker) end with a flush
# of every table; these are copied aside once and put back before the next test that finds them gone.
REFERENCE_TABLES = [
    "boundaries_district",
    "boundaries_commune",
    "boundaries_communepart",
    "boundaries_boundaryimport",
    "organisations_organisation",
    "reports_categorygroup",
    "reports_category",
    "reports_categoryattribute",
    "permits_permitkind",
    "permits_feeschedule",
    "permits_tariff",
    "permits_tariffzone",
    "permits_parkingzone",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last. They share one Chromium whose Playwright event loop runs in the test thread
    until the session ends; Django's async-safety check would refuse the ORM in any test after them
    (tests/web/conftest.py allows it only for the browser tests' lifetime)."""
    unmarked = [
        item.nodeid
        for item in items
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None
    ]
    if unmarked:  # it would start Chromium early and leave DJANGO_ALLOW_ASYNC_UNSAFE set for later tests
        raise pytest.UsageError(f"Browser tests need @pytest.mark.browser: {', '.join(unmarked)}")
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's ``admin_client``, its session confirmed with a second factor: ``/admin/`` opens only
    then (config/admin_site.py)."""
    from tests.staff_world import confirmed_second_factor, login  # the plugin module, loaded above

    confirmed_second_factor(admin_user.username)
    login(client, admin_user.username)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_communes", verbosity=0)
        call_command("load_categories", verbosity=0)
        call_command("load_permit_catalogue", "--demo", verbosity=0)
        call_command("createcachetable", verbosity=0)
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS test_reference CASCADE; CREATE SCHEMA test_reference")
            for table in REFERENCE_TABLES:
                cur.execute(f"CREATE TABLE test_reference.{table} AS TABLE public.{table}")


def _restore_reference_data() -> None:
    """Put back every reference table a flush emptied (tests may flush only some apps)."""
    with connection.cursor() as cur:
        for table in REFERENCE_TABLES:  # parents first (foreign keys)
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM public.{table})")
            if cur.fetchone()[0]:
                continue
            cur.execute(f"INSERT INTO public.{table} SELECT * FROM test_reference.{table}")
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('public.{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM public.{table}), false)"
            )


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """Before every database test: the communes, organisations and categories are there."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _restore_reference_data()
    yield


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    """Every test writes uploads into its own empty MEDIA_ROOT, so "no file left behind" is checkable."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fresh_cache_namespace():
    """Throttling counters live in the shared cache. Each test gets its own key prefix instead of a
    flush, so parallel test runs (or a `make run` server) sharing the same Redis never disturb each other."""
    namespace = uuid.uuid4().hex
    previous = cache.key_prefix, caches["tiles"].key_prefix
    cache.key_prefix = f"mm-test-{namespace}"
    caches["tiles"].key_prefix = f"mm-test-tiles-{namespace}"  # built map tiles (domains.reports.tiles.cache)
    yield
    cache.key_prefix, caches["tiles"].key_prefix = previous
