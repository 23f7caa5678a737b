"""Shared fixtures. Every test runs against real PostGIS (pytest-django's ``test_<name>`` database).

The shipped communes of Saxony and the default categories are loaded once per test session into the
test database, exactly as ``make run`` loads them, so spatial tests work on the real boundaries.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_communes", verbosity=0)
        call_command("load_categories", verbosity=0)
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    """Every test writes uploads into its own empty MEDIA_ROOT, so "no file left behind" is checkable."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fresh_cache_namespace():
    """Throttling counters live in the shared cache. Each test gets its own key prefix instead of a
    flush, so parallel test runs (or a `make run` server) sharing the same Redis never disturb each other."""
    previous = cache.key_prefix
    cache.key_prefix = f"mm-test-{uuid.uuid4().hex}"
    yield
    cache.key_prefix = previous


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Transactional tests (``live_server``, ``transaction=True``) end with a flush of the tables they
    could touch, which empties the catalogue (and, unless ``available_apps`` leaves ``boundaries`` out,
    the communes) for the next one. Each of them gets the shipped data back first if it is missing."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    if not transactional and not (marker and marker.kwargs.get("transaction")):
        return
    from boundaries.models import Commune
    from reports.models import Category

    if not Commune.objects.exists():
        call_command("load_communes", verbosity=0)
    if not Category.objects.exists():
        call_command("load_categories", verbosity=0)
