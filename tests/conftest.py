"""Shared fixtures. Every test runs against real PostGIS (pytest-django's ``test_<name>`` database).

The shipped communes of Saxony are loaded once per test session into the test database, exactly as
``make run`` loads them, so spatial tests work on the real boundaries.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_communes", verbosity=0)
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling counters live in the shared cache; start every test from zero."""
    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - the database cache needs DB access, which non-db tests lack
        pass
    yield
